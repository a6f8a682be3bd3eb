package markdown

import (
	"os"
	"testing"

	"github.com/kaiten-bus/kaiten/themes"
	"github.com/kaiten-bus/kaiten/ui/styles"
)

// BenchmarkRender renders the sample lesson text, as done when a lesson
// opens or the terminal is resized.
func BenchmarkRender(b *testing.B) {
	src, err := os.ReadFile("testdata/sample.md")
	if err != nil {
		b.Fatal(err)
	}
	st := styles.New(themes.Dark(), false)
	b.ReportAllocs()
	for b.Loop() {
		_ = Render(st, string(src), 80)
	}
}

package main

import (
	"io/fs"
	"testing"
)

func TestSoftMemoryLimit(t *testing.T) {
	const meminfo = "MemTotal:        8000000 kB\nMemFree:         1000000 kB\n"
	ram := int64(8000000) << 10
	share := func(n int64) int64 { return int64(float64(n) * 0.9) }
	for _, tc := range []struct {
		name   string
		env    string
		files  map[string]string
		want   int64
		wantOf string
	}{
		{"RAM only", "", map[string]string{"/proc/meminfo": meminfo}, share(ram), "RAM"},
		{"GOMEMLIMIT wins", "2GiB", map[string]string{"/proc/meminfo": meminfo}, 0, ""},
		{"nothing readable", "", nil, 0, ""},
		{
			"cgroup v2 container", "", map[string]string{
				"/proc/meminfo": meminfo, "/proc/self/cgroup": "0::/\n", "/sys/fs/cgroup/memory.max": "2147483648\n",
			}, share(2 << 30), "cgroup limit",
		},
		{
			"cgroup v2 path, unlimited", "", map[string]string{
				"/proc/meminfo": meminfo, "/proc/self/cgroup": "0::/user.slice/app\n",
				"/sys/fs/cgroup/user.slice/app/memory.max": "max\n",
			}, share(ram), "RAM",
		},
		{
			"cgroup v2 path", "", map[string]string{
				"/proc/meminfo": meminfo, "/proc/self/cgroup": "0::/user.slice/app\n",
				"/sys/fs/cgroup/user.slice/app/memory.max": "1073741824\n",
			}, share(1 << 30), "cgroup limit",
		},
		{
			"cgroup v1", "", map[string]string{
				"/proc/meminfo": meminfo, "/proc/self/cgroup": "5:cpu,cpuacct:/x\n4:memory:/docker/abc\n",
				"/sys/fs/cgroup/memory/memory.limit_in_bytes":            "9223372036854771712\n",
				"/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": "536870912\n",
			}, share(512 << 20), "cgroup limit",
		},
		{
			"cgroup above RAM", "", map[string]string{
				"/proc/meminfo": meminfo, "/sys/fs/cgroup/memory.max": "17179869184\n",
			}, share(ram), "RAM",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == "GOMEMLIMIT" {
					return tc.env
				}
				return ""
			}
			read := func(name string) ([]byte, error) {
				if s, ok := tc.files[name]; ok {
					return []byte(s), nil
				}
				return nil, fs.ErrNotExist
			}
			got, of := softMemoryLimit(getenv, read)
			if got != tc.want || of != tc.wantOf {
				t.Fatalf("got %d (%q), want %d (%q)", got, of, tc.want, tc.wantOf)
			}
		})
	}
}

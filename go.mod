module github.com/kaiten-bus/kaiten

go 1.26

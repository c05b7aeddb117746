package plugin

import (
	"bytes"
	"log/slog"
	"sync"
)

// stderrLog is the io.Writer that receives a plugin's standard error and
// standard output. It logs every whole line with the plugin's name and
// keeps the last tailLines lines for error messages.
type stderrLog struct {
	log    *slog.Logger
	plugin string
	stream string // "stderr" or "stdout"

	mu   *sync.Mutex // shared by the writers of one plugin
	tail *[]string
	part []byte // a line not yet ended by '\n'
}

const (
	tailLines   = 20
	maxLineSize = 16 << 10 // longer lines are logged in pieces of this size, bytes
)

func (w *stderrLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.part = append(w.part, p...)
	for {
		i := bytes.IndexByte(w.part, '\n')
		if i < 0 {
			if len(w.part) >= maxLineSize {
				w.line(w.part[:maxLineSize])
				w.part = append(w.part[:0], w.part[maxLineSize:]...)
				continue
			}
			return len(p), nil
		}
		w.line(w.part[:i])
		w.part = append(w.part[:0], w.part[i+1:]...)
	}
}

func (w *stderrLog) line(b []byte) {
	s := string(bytes.TrimRight(b, "\r"))
	if s == "" {
		return
	}
	w.log.Info("plugin output", "plugin", w.plugin, "stream", w.stream, "line", s)
	*w.tail = append(*w.tail, s)
	if len(*w.tail) > tailLines {
		*w.tail = append((*w.tail)[:0], (*w.tail)[len(*w.tail)-tailLines:]...)
	}
}

// outputTail collects one plugin's standard error and output.
type outputTail struct {
	mu   sync.Mutex
	tail []string
}

func (o *outputTail) writer(log *slog.Logger, plugin, stream string) *stderrLog {
	return &stderrLog{log: log, plugin: plugin, stream: stream, mu: &o.mu, tail: &o.tail}
}

// lines returns a copy of the kept lines.
func (o *outputTail) lines() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.tail...)
}

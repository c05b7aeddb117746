package plugin

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), mode); err != nil {
		t.Fatal(err)
	}
}

func TestDiscoverPrecedence(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(first, Prefix+"a"), 0o755)
	writeFile(t, filepath.Join(second, Prefix+"a"), 0o755)                       // shadowed by first
	writeFile(t, filepath.Join(second, Prefix+"b"), 0o755)                       // found
	writeFile(t, filepath.Join(second, Prefix+"notexec"), 0o644)                 // not executable
	writeFile(t, filepath.Join(second, "other-tool"), 0o755)                     // wrong prefix
	writeFile(t, filepath.Join(second, Prefix), 0o755)                           // empty name
	if err := os.Mkdir(filepath.Join(second, Prefix+"dir"), 0o755); err != nil { // a folder
		t.Fatal(err)
	}

	found, err := Discover([]string{first, filepath.Join(first, "missing"), second})
	if err != nil {
		t.Fatalf("Discover: %v", err)
	}
	var names []string
	for _, f := range found {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("found %v, want [a b]", names)
	}
	if found[0].Path != filepath.Join(first, Prefix+"a") {
		t.Errorf("a found at %s, want the first folder's", found[0].Path)
	}
	if !slices.Equal(found[0].Shadowed, []string{filepath.Join(second, Prefix+"a")}) {
		t.Errorf("a shadows %v, want the second folder's copy", found[0].Shadowed)
	}
}

func TestSearchPathOrder(t *testing.T) {
	t.Setenv(PathEnv, "/env/one"+string(os.PathListSeparator)+string(os.PathListSeparator)+"/flag")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	got := SearchPath([]string{"/flag"})
	want := []string{"/flag", "/env/one", "/xdg/neusim/plugins"}
	if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("SearchPath = %v, want it to start with %v (repeats and empty entries dropped)", got, want)
	}
}

func TestDefaultDirWithoutXDG(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/someone")
	if got, want := DefaultDir(), "/home/someone/.local/share/neusim/plugins"; got != want {
		t.Errorf("DefaultDir = %s, want %s", got, want)
	}
}

func TestLookupMissing(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, Prefix+"other"), 0o755)
	_, err := Lookup("mine", []string{dir})
	if err == nil {
		t.Fatal("Lookup of a missing plugin returned no error")
	}
	for _, want := range []string{Prefix + "mine", dir, "other", "--plugin-dir", PathEnv} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestLookupNamesPluginWithoutExecBit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, Prefix+"noexec")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Lookup("noexec", []string{dir})
	if err == nil || !strings.Contains(err.Error(), "not executable") || !strings.Contains(err.Error(), "chmod +x") {
		t.Errorf("Lookup of a plugin without the execute bit: %v, want an error saying it is not executable", err)
	}
}

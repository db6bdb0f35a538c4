package app

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCoreOpensWithoutItsLog: a log file that cannot be opened (here its folder's name is
// taken by a file) does not stop the core: it opens, uploads can be recorded, and LogProblem
// says why nothing is logged.
func TestCoreOpensWithoutItsLog(t *testing.T) {
	paths := PathsIn(t.TempDir())
	if err := os.WriteFile(filepath.Join(paths.Data, "logs"), []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	core, err := Open(paths, Options{KeychainService: "redox-uploader-test", Logging: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer core.Close(t.Context())
	if core.LogProblem() == nil || core.ReadOnly() != nil || core.Log == nil {
		t.Errorf("LogProblem() = %v, ReadOnly() = %v, Log %v; want a log problem, a writable history and a logger",
			core.LogProblem(), core.ReadOnly(), core.Log)
	}
	core.Log.Info("goes nowhere")
	insertRecord(t, core.History, Record{Name: "a.pdf", Status: StatusDone})

	logged, err := Open(PathsIn(t.TempDir()), Options{KeychainService: "redox-uploader-test", Logging: true})
	if err != nil {
		t.Fatal(err)
	}
	defer logged.Close(t.Context())
	if logged.LogProblem() != nil {
		t.Errorf("LogProblem() = %v with a log that opened", logged.LogProblem())
	}
}

package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestErrorStringsFollowGoStyle: the error strings of the product, errors.New and fmt.Errorf
// outside tests, are Go-style fragments: not capitalized (but for an initialism such as
// "SQLite" or "HTTP") and not ending with punctuation, since they are wrapped into longer
// messages. A message written for a person to read as it is, in whole sentences, is an
// app.Sentence (or an error type of its own); staticcheck's ST1005 is the same rule.
func TestErrorStringsFollowGoStyle(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 || !isErrorConstructor(call.Fun) {
				return true
			}
			text, ok := leadingText(call.Args[0])
			if !ok {
				return true
			}
			checked++
			if problem := goStyleProblem(text); problem != "" {
				t.Errorf("%s: error string %q %s; make it a fragment, or an app.Sentence if a person reads it as it is",
					fset.Position(call.Pos()), text, problem)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d error strings found: the walk misses the product's files", checked)
	}
}

// isErrorConstructor reports whether fun is errors.New or fmt.Errorf.
func isErrorConstructor(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && (pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf")
}

// leadingText returns the string literal an error string is made of, or the literals that
// start and end it when it is a concatenation ("..." + x + "..."), joined by a space.
func leadingText(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		first, okFirst := leadingText(e.X)
		last, okLast := leadingText(e.Y)
		switch {
		case okFirst && okLast:
			return first + last, true
		case okFirst:
			return first + " x", true // ends with a value
		case okLast:
			return "x " + last, true // starts with a value
		}
	}
	return "", false
}

// goStyleProblem says what is wrong with error string s, or "".
func goStyleProblem(s string) string {
	first, _ := utf8.DecodeRuneInString(s)
	word, _, _ := strings.Cut(s, " ")
	if unicode.IsUpper(first) && !isInitialism(word) {
		return "is capitalized"
	}
	if last, _ := utf8.DecodeLastRuneInString(s); strings.ContainsRune(".:!\n", last) {
		return "ends with punctuation"
	}
	return ""
}

// isInitialism reports whether word, an error string's first, keeps its capital anyway: it has
// another capital letter after the first (SQLite, HTTP, OAuth) or is a Go name (ServeHTTP).
func isInitialism(word string) bool {
	for _, r := range word[1:] {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
)

// problemCodes returns the Code* constants of types.go, name → value, read
// from the source so that a new constant cannot be forgotten here.
func problemCodes(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "types.go", nil, 0)
	if err != nil {
		t.Fatalf("parse types.go: %v", err)
	}
	codes := map[string]string{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "Code") || i >= len(vs.Values) {
					continue
				}
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("%s is not a string literal", name.Name)
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatalf("%s: %v", name.Name, err)
				}
				codes[name.Name] = v
			}
		}
	}
	if len(codes) == 0 {
		t.Fatal("no Code* constants found in types.go")
	}
	return codes
}

func TestOpenAPIDocumentsEveryProblemCode(t *testing.T) {
	doc, err := libopenapi.NewDocument(OpenAPI)
	if err != nil {
		t.Fatalf("parse embedded openapi.yaml: %v", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("build OpenAPI model: %v", err)
	}
	if got := model.Model.Version; got != "3.1.0" {
		t.Errorf("openapi version = %q, want 3.1.0", got)
	}

	var enum []string
	if model.Model.Components != nil {
		if proxy := model.Model.Components.Schemas.GetOrZero("ProblemCode"); proxy != nil {
			for _, n := range proxy.Schema().Enum {
				enum = append(enum, n.Value)
			}
		}
	}
	if len(enum) == 0 {
		t.Fatal("components.schemas.ProblemCode has no enum")
	}

	text := string(OpenAPI)
	known := map[string]bool{}
	for name, code := range problemCodes(t) {
		known[code] = true
		if !strings.Contains(text, "`"+code+"`") {
			t.Errorf("%s = %q is not described in openapi.yaml (add it to the error table in info.description)", name, code)
		}
		if !slices.Contains(enum, code) {
			t.Errorf("%s = %q is missing from components.schemas.ProblemCode.enum", name, code)
		}
	}
	for _, code := range enum {
		if !known[code] {
			t.Errorf("ProblemCode.enum lists %q, which has no Code* constant in types.go", code)
		}
	}
}

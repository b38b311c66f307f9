package words

import (
	"go/ast"
	"go/constant"
	"go/types"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// usedTexts are the server's texts: every constant of type Text in the
// server's non-test code (a literal where a Text parameter takes it, a
// typed constant, a map value), every bankstatement.Phrase (what the
// statement reader finds wrong with a file, which the server passes on),
// and the reasons billing's money parser gives, which the HTTP layer
// passes on as field messages. Each maps to a
// place it is used, for the failure message.
func usedTexts(t *testing.T) map[Text]string {
	t.Helper()
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo}
	pkgs, err := packages.Load(cfg, "billfold/internal/server/...", "billfold/billing", "billfold/internal/bankstatement")
	if err != nil {
		t.Fatal(err)
	}
	used := map[Text]string{}
	for _, pkg := range pkgs {
		for _, e := range pkg.Errors {
			t.Fatalf("load %s: %v", pkg.PkgPath, e)
		}
		for _, f := range pkg.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.KeyValueExpr:
					// billing.FieldError{Reason: "…"}: a field message.
					if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Reason" && pkg.PkgPath == "billfold/billing" {
						if tv := pkg.TypesInfo.Types[n.Value]; tv.Value != nil && tv.Value.Kind() == constant.String {
							used[Text(constant.StringVal(tv.Value))] = pkg.Fset.Position(n.Pos()).String()
						}
					}
				case ast.Expr:
					tv, ok := pkg.TypesInfo.Types[n]
					if ok && tv.Value != nil && tv.Value.Kind() == constant.String && isText(tv.Type) {
						if v := constant.StringVal(tv.Value); v != "" { // "" is no text, only a comparison's
							used[Text(v)] = pkg.Fset.Position(n.Pos()).String()
						}
						return false // the whole constant, not its parts
					}
				}
				return true
			})
		}
	}
	if len(used) < 50 {
		t.Fatalf("found %d texts; the scan is broken", len(used))
	}
	return used
}

func isText(t types.Type) bool {
	n, ok := t.(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return false
	}
	switch n.Obj().Pkg().Path() + "." + n.Obj().Name() {
	case "billfold/internal/server/words.Text", "billfold/internal/bankstatement.Phrase":
		return true
	}
	return false
}

// verbs are a format's verbs, in order.
var verbs = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

func verbsOf(s string) []string { return verbs.FindAllString(s, -1) }

// TestCatalogueIsComplete: every text the server uses has Japanese with
// the same verbs, and every Japanese text is of a text in use.
func TestCatalogueIsComplete(t *testing.T) {
	used := usedTexts(t)
	var missing []string
	for text, where := range used {
		jaText, ok := ja[text]
		switch {
		case !ok:
			missing = append(missing, where+": "+string(text))
		case strings.TrimSpace(jaText) == "":
			t.Errorf("%q: empty Japanese", text)
		case !sameVerbs(verbsOf(string(text)), verbsOf(jaText)):
			t.Errorf("%q and %q: different verbs", text, jaText)
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("no Japanese for %s", m)
	}
	for text := range ja {
		if _, ok := used[text]; !ok {
			t.Errorf("Japanese for a text nothing uses: %q", text)
		}
	}
}

// sameVerbs: the translation takes the same arguments: the same verbs, in
// the same order unless it indexes them explicitly (%[2]s).
func sameVerbs(en, ja []string) bool {
	if len(en) != len(ja) {
		return false
	}
	if slices.ContainsFunc(ja, func(v string) bool { return strings.Contains(v, "[") }) {
		return true
	}
	return slices.Equal(en, ja)
}

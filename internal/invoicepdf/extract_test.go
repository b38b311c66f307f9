package invoicepdf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Text extraction for the tests. pdfcpu parses the file (objects, page
// tree, resources, stream filters); this file turns each page's content
// stream into text the way a viewer's copy-and-paste does: glyph codes of
// the Tj/TJ operators are mapped to Unicode through the font's ToUnicode
// CMap, and the text pieces are grouped into lines by baseline. Nothing here
// knows how the renderer encodes text, so a wrong or missing ToUnicode map
// shows up as wrong text. (When poppler's pdftotext is installed,
// TestPdftotext cross-checks with an independent extractor.)

func TestMain(m *testing.M) {
	model.ConfigPath = "disable" // pdfcpu: no config files in the user's home
	os.Exit(m.Run())
}

func pdfConf() *model.Configuration {
	c := model.NewDefaultConfiguration()
	c.ValidationMode = model.ValidationStrict
	return c
}

// validate checks b with pdfcpu in strict mode.
func validate(t testing.TB, b []byte) {
	t.Helper()
	if err := pdfapi.Validate(bytes.NewReader(b), pdfConf()); err != nil {
		t.Fatalf("pdfcpu validation: %v", err)
	}
}

// piece is a run of text drawn by one text operator.
type piece struct {
	x, y, size float64
	text       string
}

// extractPages returns each page's text lines, top to bottom; the pieces of
// a line are joined with single spaces, left to right.
func extractPages(t testing.TB, b []byte) [][]string {
	t.Helper()
	ctx, err := pdfapi.ReadAndValidate(bytes.NewReader(b), pdfConf())
	if err != nil {
		t.Fatalf("pdfcpu read: %v", err)
	}
	var pages [][]string
	for p := 1; p <= ctx.PageCount; p++ {
		pd, _, inh, err := ctx.PageDict(p, false)
		if err != nil {
			t.Fatalf("page %d: %v", p, err)
		}
		cmaps := map[string]map[string]string{}
		fonts, err := ctx.DereferenceDict(inh.Resources["Font"])
		if err != nil {
			t.Fatalf("page %d fonts: %v", p, err)
		}
		for name, ref := range fonts {
			fd, err := ctx.DereferenceDict(ref)
			if err != nil {
				t.Fatal(err)
			}
			sd, _, err := ctx.DereferenceStreamDict(fd["ToUnicode"])
			if err != nil || sd == nil {
				t.Fatalf("font %s has no ToUnicode map: %v", name, err)
			}
			if err := sd.Decode(); err != nil {
				t.Fatal(err)
			}
			cmaps[name] = parseToUnicode(t, sd.Content)
		}
		content, err := ctx.PageContent(pd, p)
		if err != nil {
			t.Fatalf("page %d content: %v", p, err)
		}
		pages = append(pages, lines(textPieces(t, content, cmaps)))
	}
	return pages
}

// parseToUnicode reads the bfchar and bfrange entries of a CMap into a map
// from the hex source code (upper case) to text.
func parseToUnicode(t testing.TB, cm []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	toks := strings.Fields(strings.NewReplacer("<", " <", ">", "> ", "[", " [ ", "]", " ] ").Replace(string(cm)))
	hexv := func(s string) string { return strings.ToUpper(strings.Trim(s, "<>")) }
	for i := 0; i < len(toks); i++ {
		switch toks[i] {
		case "beginbfchar":
			for i++; i+1 < len(toks) && toks[i] != "endbfchar"; i += 2 {
				m[hexv(toks[i])] = utf16hex(t, hexv(toks[i+1]))
			}
		case "beginbfrange":
			for i++; i+2 < len(toks) && toks[i] != "endbfrange"; i += 3 {
				lo, _ := strconv.ParseUint(hexv(toks[i]), 16, 32)
				hi, _ := strconv.ParseUint(hexv(toks[i+1]), 16, 32)
				if toks[i+2] == "[" {
					t.Fatal("bfrange arrays are not used by the renderer")
				}
				dst := utf16hex(t, hexv(toks[i+2]))
				r := []rune(dst)
				for c := lo; c <= hi; c++ {
					m[fmt.Sprintf("%0*X", len(hexv(toks[i])), c)] = string(r[:len(r)-1]) + string(r[len(r)-1]+rune(c-lo))
				}
			}
		}
	}
	return m
}

func utf16hex(t testing.TB, h string) string {
	b, err := hex.DecodeString(h)
	if err != nil || len(b)%2 != 0 {
		t.Fatalf("bad ToUnicode destination <%s>", h)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// textPieces interprets the text operators of a content stream.
func textPieces(t testing.TB, content []byte, cmaps map[string]map[string]string) []piece {
	t.Helper()
	var out []piece
	var stack []string
	var lx, ly, size float64
	var cmap map[string]string
	num := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("content stream: bad number %q", s)
		}
		return f
	}
	decode := func(h string) string {
		h = strings.ToUpper(h)
		var sb strings.Builder
		for i := 0; i+4 <= len(h); i += 4 {
			s, ok := cmap[h[i:i+4]]
			if !ok {
				t.Fatalf("glyph code %s has no ToUnicode entry", h[i:i+4])
			}
			sb.WriteString(s)
		}
		return sb.String()
	}
	for _, tok := range tokens(content) {
		switch tok {
		case "BT":
			lx, ly = 0, 0
		case "Td", "TD":
			lx += num(stack[len(stack)-2])
			ly += num(stack[len(stack)-1])
		case "Tm":
			lx, ly = num(stack[len(stack)-2]), num(stack[len(stack)-1])
		case "Tf":
			cmap = cmaps[strings.TrimPrefix(stack[len(stack)-2], "/")]
			size = num(stack[len(stack)-1])
		case "Tj", "TJ":
			var sb strings.Builder
			for _, s := range stack {
				if strings.HasPrefix(s, "<") {
					sb.WriteString(decode(strings.Trim(s, "<>")))
				}
			}
			out = append(out, piece{lx, ly, size, sb.String()})
		default:
			if isOperand(tok) {
				stack = append(stack, tok)
				continue
			}
		}
		if !isOperand(tok) {
			stack = stack[:0]
		}
	}
	return out
}

func isOperand(tok string) bool {
	c := tok[0]
	return c == '/' || c == '<' || c == '[' || c == ']' || c == '(' || c == '-' || c == '.' || (c >= '0' && c <= '9')
}

// tokens splits a content stream into operands and operators.
func tokens(b []byte) []string {
	var toks []string
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			i++
		case c == '<' || c == '(':
			close := byte('>')
			if c == '(' {
				close = ')'
			}
			j := bytes.IndexByte(b[i:], close)
			toks = append(toks, string(b[i:i+j+1]))
			i += j + 1
		case c == '[' || c == ']':
			toks = append(toks, string(c))
			i++
		default:
			j := i
			for j < len(b) && !bytes.ContainsRune([]byte(" \n\r\t<[]("), rune(b[j])) {
				j++
			}
			toks = append(toks, string(b[i:j]))
			i = j
		}
	}
	return toks
}

// lines groups pieces whose baselines are within 1.5 points into lines.
func lines(ps []piece) []string {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].y > ps[j].y })
	var out []string
	for i := 0; i < len(ps); {
		j := i + 1
		for j < len(ps) && ps[i].y-ps[j].y < 1.5 {
			j++
		}
		row := ps[i:j]
		sort.SliceStable(row, func(a, b int) bool { return row[a].x < row[b].x })
		texts := make([]string, len(row))
		for k, p := range row {
			texts[k] = p.text
		}
		out = append(out, strings.Join(texts, " "))
		i = j
	}
	return out
}

// allText is every line of every page, one per line.
func allText(pages [][]string) string {
	var sb strings.Builder
	for _, p := range pages {
		for _, l := range p {
			sb.WriteString(l)
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// squeeze drops white space, so that text wrapped over several lines can be
// looked for.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// TestPdftotext checks the Japanese sample with poppler's extractor, which
// shares no code with the one above. Skipped when pdftotext is missing
// (apt-get install poppler-utils).
func TestPdftotext(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	inv, opts := sampleJA()
	b := mustRender(t, inv, opts)
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(b)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := squeeze(string(out))
	for _, want := range []string{"請求書", "適格請求書", "登録番号", "T1234567890123", "株式会社やまだ商店", "山田太郎様",
		"※は軽減税率対象", "10%対象", "8%対象", "¥42,366", "¥3,498", "¥288", "みずなみ銀行", "カ）ビルフォールドホスティング",
		"オフィス用コーヒー定期便（軽減税率対象）", "1/1"} {
		if !strings.Contains(text, squeeze(want)) {
			t.Errorf("pdftotext output lacks %q:\n%s", want, out)
		}
	}
}

// Package pdftext reads PDFs back: it validates a file with
// pdfcpu in strict mode and extracts each page's text the way a viewer's
// copy and paste does. pdfcpu parses the file (objects, page tree,
// resources, stream filters); this package turns each page's content
// stream into text: glyph codes of the Tj/TJ operators are mapped to
// Unicode through the font's ToUnicode CMap, and the pieces are grouped
// into lines by baseline. Nothing here knows how invoicepdf encodes text,
// so a wrong or missing ToUnicode map shows up as wrong text or an error.
//
// It is shared by invoicepdf's CheckTotals (the archive's verify reads
// each archived PDF's totals back with it), invoicepdf's own tests and the
// integration tests that render invoices the reference server issued.
package pdftext

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

var noConfigFiles sync.Once

// Config is pdfcpu's strict configuration. pdfcpu reads no configuration
// files from the user's home once it has been called.
func Config() *model.Configuration {
	noConfigFiles.Do(func() { model.ConfigPath = "disable" })
	c := model.NewDefaultConfiguration()
	c.ValidationMode = model.ValidationStrict
	return c
}

// Validate checks pdf with pdfcpu in strict mode.
func Validate(pdf []byte) error {
	if err := pdfapi.Validate(bytes.NewReader(pdf), Config()); err != nil {
		return fmt.Errorf("pdfcpu validation: %w", err)
	}
	return nil
}

// piece is a run of text drawn by one text operator.
type piece struct {
	x, y, size float64
	text       string
}

// Pages returns each page's text lines, top to bottom; the pieces of a line
// are joined with single spaces, left to right.
func Pages(pdf []byte) ([][]string, error) {
	ctx, err := pdfapi.ReadAndValidate(bytes.NewReader(pdf), Config())
	if err != nil {
		return nil, fmt.Errorf("pdfcpu read: %w", err)
	}
	var pages [][]string
	for p := 1; p <= ctx.PageCount; p++ {
		pd, _, inh, err := ctx.PageDict(p, false)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
		cmaps := map[string]map[string]string{}
		fonts, err := ctx.DereferenceDict(inh.Resources["Font"])
		if err != nil {
			return nil, fmt.Errorf("page %d fonts: %w", p, err)
		}
		for name, ref := range fonts {
			fd, err := ctx.DereferenceDict(ref)
			if err != nil {
				return nil, fmt.Errorf("page %d font %s: %w", p, name, err)
			}
			sd, _, err := ctx.DereferenceStreamDict(fd["ToUnicode"])
			if err != nil || sd == nil {
				return nil, fmt.Errorf("font %s has no ToUnicode map: %v", name, err)
			}
			if err := sd.Decode(); err != nil {
				return nil, fmt.Errorf("font %s ToUnicode map: %w", name, err)
			}
			if cmaps[name], err = parseToUnicode(sd.Content); err != nil {
				return nil, fmt.Errorf("font %s: %w", name, err)
			}
		}
		content, err := ctx.PageContent(pd, p)
		if err != nil {
			return nil, fmt.Errorf("page %d content: %w", p, err)
		}
		ps, err := textPieces(content, cmaps)
		if err != nil {
			return nil, fmt.Errorf("page %d: %w", p, err)
		}
		pages = append(pages, lines(ps))
	}
	return pages, nil
}

// Join is every line of every page, each followed by "\n".
func Join(pages [][]string) string {
	var sb strings.Builder
	for _, p := range pages {
		for _, l := range p {
			sb.WriteString(l)
			sb.WriteByte('\n')
		}
	}
	return sb.String()
}

// parseToUnicode reads the bfchar and bfrange entries of a CMap into a map
// from the hex source code (upper case) to text.
func parseToUnicode(cm []byte) (map[string]string, error) {
	m := map[string]string{}
	toks := strings.Fields(strings.NewReplacer("<", " <", ">", "> ", "[", " [ ", "]", " ] ").Replace(string(cm)))
	hexv := func(s string) string { return strings.ToUpper(strings.Trim(s, "<>")) }
	for i := 0; i < len(toks); i++ {
		switch toks[i] {
		case "beginbfchar":
			for i++; i+1 < len(toks) && toks[i] != "endbfchar"; i += 2 {
				s, err := utf16hex(hexv(toks[i+1]))
				if err != nil {
					return nil, err
				}
				m[hexv(toks[i])] = s
			}
		case "beginbfrange":
			for i++; i+2 < len(toks) && toks[i] != "endbfrange"; i += 3 {
				lo, _ := strconv.ParseUint(hexv(toks[i]), 16, 32)
				hi, _ := strconv.ParseUint(hexv(toks[i+1]), 16, 32)
				if toks[i+2] == "[" {
					return nil, fmt.Errorf("ToUnicode: bfrange arrays are not supported")
				}
				dst, err := utf16hex(hexv(toks[i+2]))
				if err != nil {
					return nil, err
				}
				r := []rune(dst)
				if len(r) == 0 {
					return nil, fmt.Errorf("ToUnicode: empty bfrange destination")
				}
				for c := lo; c <= hi; c++ {
					m[fmt.Sprintf("%0*X", len(hexv(toks[i])), c)] = string(r[:len(r)-1]) + string(r[len(r)-1]+rune(c-lo))
				}
			}
		}
	}
	return m, nil
}

func utf16hex(h string) (string, error) {
	b, err := hex.DecodeString(h)
	if err != nil || len(b)%2 != 0 {
		return "", fmt.Errorf("ToUnicode: bad destination <%s>", h)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u)), nil
}

// textPieces interprets the text operators of a content stream.
func textPieces(content []byte, cmaps map[string]map[string]string) ([]piece, error) {
	var out []piece
	var stack []string
	var lx, ly, size float64
	var cmap map[string]string
	var err error
	num := func(i int) float64 {
		if i < 0 || i >= len(stack) {
			err = fmt.Errorf("content stream: missing operand")
			return 0
		}
		f, e := strconv.ParseFloat(stack[i], 64)
		if e != nil {
			err = fmt.Errorf("content stream: bad number %q", stack[i])
		}
		return f
	}
	decode := func(h string) string {
		h = strings.ToUpper(h)
		var sb strings.Builder
		for i := 0; i+4 <= len(h); i += 4 {
			s, ok := cmap[h[i:i+4]]
			if !ok {
				err = fmt.Errorf("glyph code %s has no ToUnicode entry", h[i:i+4])
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
			lx += num(len(stack) - 2)
			ly += num(len(stack) - 1)
		case "Tm":
			lx, ly = num(len(stack)-2), num(len(stack)-1)
		case "Tf":
			if len(stack) >= 2 {
				cmap = cmaps[strings.TrimPrefix(stack[len(stack)-2], "/")]
			}
			size = num(len(stack) - 1)
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
		if err != nil {
			return nil, err
		}
		stack = stack[:0]
	}
	return out, nil
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
			if j < 0 {
				j = len(b) - i - 1
			}
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

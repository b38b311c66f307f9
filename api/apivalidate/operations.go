package apivalidate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pb33f/libopenapi"
	highbase "github.com/pb33f/libopenapi/datamodel/high/base"
	v3high "github.com/pb33f/libopenapi/datamodel/high/v3"
)

// Operation is one documented route, with the inputs a client sends it.
type Operation struct {
	Method string // GET, POST, DELETE
	Path   string // the path template, e.g. /v1/invoices/{id}
	// Params are the parameters by where they go: "path", "query",
	// "header".
	Params map[string][]string
	// Body is the request body's media type ("" for none), and
	// StringFields the names of its top-level properties that are
	// strings.
	Body         string
	StringFields []string
	// Public: the operation takes no bearer token.
	Public bool
}

// Operations lists every operation of spec, sorted by path and method:
// the route list that tests sweep, so that a new route is covered.
func Operations(spec []byte) ([]Operation, error) {
	model, err := buildModel(spec)
	if err != nil {
		return nil, err
	}
	var out []Operation
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			o := Operation{Method: strings.ToUpper(method), Path: path, Params: map[string][]string{},
				Public: op.Security != nil && len(op.Security) == 0}
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				o.Params[p.In] = append(o.Params[p.In], p.Name)
			}
			if op.RequestBody != nil {
				for mt, content := range op.RequestBody.Content.FromOldest() {
					o.Body = mt
					o.StringFields = stringProperties(content.Schema)
				}
			}
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b Operation) int { return strings.Compare(a.Path+" "+a.Method, b.Path+" "+b.Method) })
	return out, nil
}

// buildModel reads spec as an OpenAPI 3 document.
func buildModel(spec []byte) (*libopenapi.DocumentModel[v3high.Document], error) {
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("apivalidate: parse openapi.yaml: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("apivalidate: build OpenAPI model: %w", err)
	}
	return model, nil
}

func stringProperties(sp *highbase.SchemaProxy) []string {
	if sp == nil || sp.Schema() == nil || sp.Schema().Properties == nil {
		return nil
	}
	var out []string
	for name, prop := range sp.Schema().Properties.FromOldest() {
		if s := prop.Schema(); s != nil && slices.Contains(s.Type, "string") {
			out = append(out, name)
		}
	}
	return out
}

package httpapi

import (
	"maps"
	"slices"
	"testing"

	"billfold/api"
	"billfold/api/apivalidate"
)

// TestStatusTableIsTheContracts: the one code → status table the server
// answers with is the error table of api/openapi.yaml, row for row.
func TestStatusTableIsTheContracts(t *testing.T) {
	contract, err := apivalidate.ProblemStatuses(api.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range slices.Sorted(maps.Keys(contract)) {
		if got, ok := statusOf[code]; !ok || got != contract[code] {
			t.Errorf("%s: the server answers %d, the contract says %d", code, got, contract[code])
		}
	}
	for code := range statusOf {
		if _, ok := contract[code]; !ok {
			t.Errorf("%s: the server has a status for it, the contract's table has no row", code)
		}
	}
}

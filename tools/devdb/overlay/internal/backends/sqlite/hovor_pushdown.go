// Copyright 2026 Hovor. Licensed under the Apache License, Version 2.0, like the FerretDB
// source it is compiled into (see tools/devdb/README.md).

package sqlite

import (
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// prepareEqualityWhereClause narrows a query by the filter's equalities on top-level fields
// with a string or ObjectID value ({field: v} or {field: {$eq: v, ...}}), so that SQLite reads
// the matching rows through an index on the field instead of handing every document of the
// collection to the handler.
//
// The clause selects a superset of the matching documents: the handler applies the whole
// filter to every document it gets back (it always does), so fields that are not pushed down
// and the finer points of MongoDB's comparison (types, arrays) stay exact. Because a field that
// holds an array matches an equality when one of its elements does, a row whose field is an
// array is always selected too.
//
// The field's expression is spelled exactly as indexesCreate spells an index key, which is
// what lets the planner match it to the index.
func prepareEqualityWhereClause(filter *types.Document) (string, []any) {
	if filter == nil {
		return "", nil
	}

	var conds []string
	var args []any

	for _, key := range filter.Keys() {
		if !isPlainFieldName(key) {
			continue
		}

		raw := must.NotFail(filter.Get(key))

		value, ok := equalityValue(raw)
		if !ok {
			// {field: {$in: [v1, v2, ...]}}: a set of equalities, read from the index the same way.
			values, isIn := inValues(raw)
			if !isIn {
				continue
			}

			placeholders := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
			if key == "_id" {
				conds = append(conds, metadata.IDColumn+" IN ("+placeholders+")")
			} else {
				column := fmt.Sprintf("%s->%q", metadata.DefaultColumn, key)
				conds = append(conds, fmt.Sprintf(`(%[1]s IN (%[2]s) OR (%[1]s >= '[' AND %[1]s < '\'))`, column, placeholders))
			}

			for _, v := range values {
				args = append(args, v)
			}

			continue
		}

		if key == "_id" {
			// _id is never an array
			conds = append(conds, metadata.IDColumn+" = ?")
			args = append(args, value)

			continue
		}

		column := fmt.Sprintf("%s->%q", metadata.DefaultColumn, key)

		// JSON text of an array, and only of an array, starts with '['; '\' is the next character.
		conds = append(conds, fmt.Sprintf(`(%[1]s = ? OR (%[1]s >= '[' AND %[1]s < '\'))`, column))
		args = append(args, value)
	}

	if len(conds) == 0 {
		return "", nil
	}

	return " WHERE " + strings.Join(conds, " AND "), args
}

// equalityValue returns the stored JSON text an equality on v compares with, when v is a string
// or an ObjectID whose text needs no escaping (so that Go and SQLite spell it alike).
func equalityValue(v any) (string, bool) {
	if doc, ok := v.(*types.Document); ok {
		for _, k := range doc.Keys() {
			if !strings.HasPrefix(k, "$") {
				// an exact sub-document match; not pushed down
				return "", false
			}
		}

		eq, err := doc.Get("$eq")
		if err != nil {
			return "", false
		}

		v = eq
	}

	switch v := v.(type) {
	case string:
		text := string(must.NotFail(sjson.MarshalSingleValue(v)))
		if text != `"`+v+`"` {
			return "", false
		}

		return text, true

	case types.ObjectID:
		return string(must.NotFail(sjson.MarshalSingleValue(v))), true

	default:
		return "", false
	}
}

// maxInValues bounds the values of an `$in` pushed down; a longer list is filtered in memory only.
const maxInValues = 500

// inValues returns the stored JSON texts an `$in` compares with, when v is exactly {$in: [...]}
// with 1 to maxInValues values that equalityValue accepts each.
func inValues(v any) ([]string, bool) {
	doc, ok := v.(*types.Document)
	if !ok || doc.Len() != 1 {
		return nil, false
	}

	list, err := doc.Get("$in")
	if err != nil {
		return nil, false
	}

	arr, ok := list.(*types.Array)
	if !ok || arr.Len() == 0 || arr.Len() > maxInValues {
		return nil, false
	}

	values := make([]string, 0, arr.Len())

	for i := 0; i < arr.Len(); i++ {
		text, ok := equalityValue(must.NotFail(arr.Get(i)))
		if !ok {
			return nil, false
		}

		values = append(values, text)
	}

	return values, true
}

// isPlainFieldName reports whether key names a top-level field in letters, digits and
// underscores: no operator, no dotted path, nothing that quotes differently in Go and SQL.
func isPlainFieldName(key string) bool {
	if key == "" || strings.HasPrefix(key, backends.ReservedPrefix) {
		return false
	}

	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_':
		default:
			return false
		}
	}

	return true
}

package sqlstore

import (
	"math/bits"
	"strconv"
	"strings"
)

// The helpers below build the fixed statements of a table from its column list, so that each
// column is named once. By convention the first column is the key.

func placeholders(from, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ph, ", ")
}

// valuesSQL returns "(VALUES (CAST($1 AS t1), CAST($2 AS t2)), ...) AS v" for rows of values
// of the SQL types, with "?" parameters if anonymous. Both databases name the columns of VALUES
// column1, column2 ..., so a multi-row UPDATE ... FROM joins it on v.column1; the casts tell
// PostgreSQL the parameters' types.
func valuesSQL(types []string, rows int, anonymous bool) string {
	var b strings.Builder
	b.WriteString("(VALUES ")
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(")
		for i, typ := range types {
			if i > 0 {
				b.WriteString(", ")
			}
			ph := "?"
			if !anonymous {
				ph = "$" + strconv.Itoa(1+r*len(types)+i)
			}
			b.WriteString("CAST(" + ph + " AS " + typ + ")")
		}
		b.WriteString(")")
	}
	b.WriteString(") AS v")
	return b.String()
}

// selectSQL returns "SELECT cols FROM table".
func selectSQL(table string, cols []string) string {
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + table
}

// insertSQL returns an INSERT of every column, with the arguments in column order.
func insertSQL(table string, cols []string) string {
	return "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES (" + placeholders(1, len(cols)) + ")"
}

// insertNewSQL returns an INSERT that does nothing when the row would violate a unique key.
func insertNewSQL(table string, cols []string) string {
	return insertSQL(table, cols) + " ON CONFLICT DO NOTHING"
}

// upsertSQL returns an INSERT that replaces the row with the same key (the first column).
func upsertSQL(table string, cols []string) string {
	set := make([]string, len(cols)-1)
	for i, c := range cols[1:] {
		set[i] = c + " = excluded." + c
	}
	return insertSQL(table, cols) + " ON CONFLICT (" + cols[0] + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// updateSQL returns an UPDATE of every column of the row whose key (the first column) is $1.
func updateSQL(table string, cols []string) string {
	set := make([]string, len(cols)-1)
	for i, c := range cols[1:] {
		set[i] = c + " = $" + strconv.Itoa(i+2)
	}
	return "UPDATE " + table + " SET " + strings.Join(set, ", ") + " WHERE " + cols[0] + " = $1"
}

// maxParams bounds the parameters of one multi-row statement: SQLite allows 32766, PostgreSQL
// 65535.
const maxParams = 30000

// maxRowsPerInsert bounds the rows of one multi-row statement, so that the set of statement
// shapes, and the prepared statements, stay few.
const maxRowsPerInsert = 256

// insertRowsSQL returns an INSERT of n rows of every column that does nothing for a row that
// would violate a unique key. With anonymous, the parameters are plain "?": SQLite looks up
// numbered and named parameters in a list, which costs quadratic time in a statement with
// thousands of them.
func insertRowsSQL(table string, cols []string, n int, anonymous bool) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if !anonymous {
			row = "(" + placeholders(1+i*len(cols), len(cols)) + ")"
		}
		b.WriteString(row)
	}
	b.WriteString(" ON CONFLICT DO NOTHING")
	return b.String()
}

// insertRows inserts n rows into table with as few statements as the parameter limit allows;
// args(i, dst) appends the arguments of row i. It returns how many rows were inserted (rows
// that would violate a unique key are not).
func (t *tx) insertRows(table string, cols []string, n int, args func(i int, dst []any) []any) (int64, error) {
	return t.writeRows(func(rows int) string { return insertRowsSQL(table, cols, rows, t.d.AnonymousParams) }, len(cols), n, args)
}

// updateRowsInOrder is updateRows for rows that concurrent transactions update together: where
// the database locks rows (the dialect's RowLock), each statement first locks the rows of table
// whose id is v.column1, in id order, then updates them. A multi-row update alone locks rows in
// the order its plan visits them, which two statements need not share, and two transactions
// updating the same rows in other orders would deadlock.
func (t *tx) updateRowsInOrder(table, set, where string, types []string, n int, args func(i int, dst []any) []any) (int64, error) {
	if t.d.RowLock == "" {
		return t.updateRows(table, set, where, types, n, args)
	}
	return t.writeRows(func(rows int) string {
		values := strings.TrimSuffix(valuesSQL(types, rows, t.d.AnonymousParams), " AS v")
		return "WITH v AS " + values + ", locked AS MATERIALIZED (SELECT " + table + ".id FROM " + table +
			" JOIN v ON " + table + ".id = v.column1 ORDER BY " + table + ".id " + t.d.RowLock + " OF " + table + ")" +
			" UPDATE " + table + " SET " + set + " FROM v, locked WHERE locked.id = " + table + ".id AND " + where
	}, len(types), n, args)
}

// updateRows updates rows of table from n rows of values of the SQL types, joined as v (see
// valuesSQL): "UPDATE table SET set FROM (VALUES ...) AS v WHERE where", in as few statements as
// the parameter limit allows; args(i, dst) appends the values of row i. It returns how many rows
// of table it changed.
func (t *tx) updateRows(table, set, where string, types []string, n int, args func(i int, dst []any) []any) (int64, error) {
	return t.writeRows(func(rows int) string {
		return "UPDATE " + table + " SET " + set + " FROM " + valuesSQL(types, rows, t.d.AnonymousParams) + " WHERE " + where
	}, len(types), n, args)
}

// writeRows runs the multi-row statement query(rows) over n rows of cols columns each, in as
// few statements as the parameter limit allows, and returns how many rows they changed. Where
// the dialect asks for PowerOfTwoRows, each statement takes a power of two of rows instead, so
// that it has one of a few shapes, parsed once and kept prepared.
func (t *tx) writeRows(query func(rows int) string, cols, n int, args func(i int, dst []any) []any) (int64, error) {
	per := min(maxRowsPerInsert, maxParams/cols)
	var inserted int64
	buf := make([]any, 0, min(n, per)*cols)
	for from, to := 0, 0; from < n; from = to {
		to = from + min(per, n-from)
		if t.d.PowerOfTwoRows {
			to = from + 1<<(bits.Len(uint(to-from))-1)
		}
		buf = buf[:0]
		for i := from; i < to; i++ {
			buf = args(i, buf)
		}
		k, err := t.execCount(query(to-from), buf...)
		if err != nil {
			return inserted, err
		}
		inserted += k
	}
	return inserted, nil
}

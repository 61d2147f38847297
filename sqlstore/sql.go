package sqlstore

import (
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

// Copyright 2021 FerretDB Inc.
// Modified for Hovor: one writer at a time per database, waiting in Go, and group commit
// (see writeMu and InTransaction); queries are logged only when debug logging is on (logQuery).
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// Package fsql provides [database/sql] utilities.
package fsql

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/logging"
	"github.com/FerretDB/FerretDB/internal/util/resource"
)

// DB wraps [*database/sql.DB] with tracing, metrics, logging, and resource tracking.
//
// It exposes the subset of *sql.DB methods we use except that it returns *Rows instead of *sql.Rows.
// It also exposes additional methods.
type DB struct {
	*metricsCollector

	sqlDB     *sql.DB
	l         *slog.Logger
	token     *resource.Token
	BatchSize int

	// writeMu lets one write (a transaction or a statement outside one) run at a time. SQLite
	// allows one writer per database anyway; without this, concurrent writers find the database
	// locked and SQLite's busy handler puts them to sleep for 1, 2, 5, 10… ms at a time, so that
	// under a burst the lock is mostly free while everyone sleeps. Waiting here, the next
	// writer starts the moment the last one is done. Reads take no part (WAL readers never
	// block a writer).
	writeMu sync.Mutex

	// waiting counts writers waiting for writeMu: while there are some, a writer leaves the
	// transaction open for them (group commit, see InTransaction).
	waiting atomic.Int32

	// group is the transaction writers share until it is committed; guarded by writeMu.
	group *writeGroup
}

// WrapDB creates a new DB.
//
// Name is used for metric label values, etc.
// Logger (that will be named) is used for query logging.
func WrapDB(db *sql.DB, name string, l *slog.Logger) *DB {
	if db == nil {
		return nil
	}

	res := &DB{
		metricsCollector: newMetricsCollector(name, db.Stats),
		sqlDB:            db,
		l:                logging.WithName(l, name),
		token:            resource.NewToken(),
	}

	resource.Track(res, res.token)

	return res
}

// Close calls [*sql.DB.Close].
func (db *DB) Close() error {
	resource.Untrack(db, db.token)
	return db.sqlDB.Close()
}

// Ping calls [*sql.DB.Ping].
func (db *DB) Ping(ctx context.Context) error {
	return db.sqlDB.Ping()
}

// QueryContext calls [*sql.DB.QueryContext].
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*Rows, error) {
	start := time.Now()

	fields := []any{slog.Any("args", args)}
	logQuery(ctx, db.l, fields, ">>> ", query)

	rows, err := db.sqlDB.QueryContext(ctx, query, args...)

	fields = append(fields, slog.Duration("time", time.Since(start)), logging.Error(err))
	logQuery(ctx, db.l, fields, "<<< ", query)

	return wrapRows(rows), err
}

// QueryRowContext calls [*sql.DB.QueryRowContext].
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	start := time.Now()

	fields := []any{slog.Any("args", args)}
	logQuery(ctx, db.l, fields, ">>> ", query)

	row := db.sqlDB.QueryRowContext(ctx, query, args...)

	fields = append(fields, slog.Duration("time", time.Since(start)), logging.Error(row.Err()))
	logQuery(ctx, db.l, fields, "<<< ", query)

	return row
}

// ExecContext calls [*sql.DB.ExecContext].
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	start := time.Now()

	fields := []any{slog.Any("args", args)}
	logQuery(ctx, db.l, fields, ">>> ", query)

	// A statement of its own (a delete, DDL, VACUUM): what a group left open for it is committed
	// first, then the statement runs by itself.
	db.waiting.Add(1)
	db.writeMu.Lock()
	db.waiting.Add(-1)
	db.commitGroup()
	res, err := db.sqlDB.ExecContext(ctx, query, args...)
	db.writeMu.Unlock()

	if res != nil {
		ra, _ := res.RowsAffected()
		fields = append(fields, slog.Int64("rows", ra))
	}

	fields = append(fields, slog.Duration("time", time.Since(start)), logging.Error(err))
	logQuery(ctx, db.l, fields, "<<< ", query)

	return res, err
}

// InTransaction runs f in a transaction. Modified for Hovor: group commit.
//
// Writers run one at a time (writeMu). A writer that finds others waiting for their turn does not
// commit: it leaves the transaction open for the next one, and the last writer of such a run (or
// the maxGroupSize-th) commits for all of them — one disk sync for the group instead of one each.
// Each writer's work is wrapped in a savepoint, so a writer whose f fails (a duplicate key) rolls
// back only its own work. Nobody returns before the commit that holds their work: a write is
// reported done only once it is durable, as before; if the commit fails, every writer of the
// group gets the error.
//
// The group's transaction is begun without the first writer's context: it outlives that writer's
// request. f runs in its caller's goroutine, with the group's transaction.
func (db *DB) InTransaction(ctx context.Context, f func(*Tx) error) (err error) {
	db.waiting.Add(1)
	db.writeMu.Lock()
	db.waiting.Add(-1)

	g := db.group
	if g == nil {
		sqlTx, beginErr := db.sqlDB.BeginTx(context.Background(), nil)
		if beginErr != nil {
			db.writeMu.Unlock()
			return lazyerrors.Error(beginErr)
		}

		g = &writeGroup{tx: wrapTx(sqlTx, db.l), committed: make(chan struct{})}
		db.group = g
	}

	g.size++

	fErr := db.runInSavepoint(ctx, g, f)

	if db.waiting.Load() == 0 || g.size >= maxGroupSize || g.broken != nil {
		db.commitGroup()
	}

	db.writeMu.Unlock()

	<-g.committed

	if fErr != nil {
		// do not wrap f's error because the caller depends on it in some cases
		return fErr
	}

	return g.err
}

// maxGroupSize is the most writers one commit takes: the first of a long run waits for no more.
const maxGroupSize = 64

// writeGroup is a transaction shared by consecutive writers, committed once for all of them.
type writeGroup struct {
	tx   *Tx
	size int

	// broken is set when a savepoint could not be rolled back: the transaction is unusable and
	// must not take more work.
	broken error

	// err is the commit's error, for every writer of the group; set before committed closes.
	err       error
	committed chan struct{}
}

// runInSavepoint runs f within a savepoint of the group's transaction, undoing f's work when
// it fails (or panics, in tests).
func (db *DB) runInSavepoint(ctx context.Context, g *writeGroup, f func(*Tx) error) (err error) {
	if g.broken != nil {
		return g.broken
	}

	if _, err = g.tx.ExecContext(ctx, "SAVEPOINT hovor_writer"); err != nil {
		g.broken = lazyerrors.Error(err)
		return g.broken
	}

	var done bool

	defer func() {
		// It is not enough to check `err == nil` there: in tests f could call runtime.Goexit()
		// (testify's FailNow), leaving err unset; checking a separate variable also handles panics.
		if done && err == nil {
			if _, releaseErr := g.tx.ExecContext(context.Background(), "RELEASE hovor_writer"); releaseErr != nil {
				g.broken = lazyerrors.Error(releaseErr)
				err = g.broken
			}

			return
		}

		if err == nil {
			err = lazyerrors.Errorf("transaction was not committed")
		}

		if _, rbErr := g.tx.ExecContext(context.Background(), "ROLLBACK TO hovor_writer"); rbErr != nil {
			g.broken = lazyerrors.Error(rbErr)
			return
		}

		if _, releaseErr := g.tx.ExecContext(context.Background(), "RELEASE hovor_writer"); releaseErr != nil {
			g.broken = lazyerrors.Error(releaseErr)
		}
	}()

	err = f(g.tx)
	done = true

	return err
}

// commitGroup commits the open group (if any) and tells its writers. Called with writeMu held.
func (db *DB) commitGroup() {
	g := db.group
	if g == nil {
		return
	}

	db.group = nil

	if g.broken != nil {
		_ = g.tx.Rollback()
		g.err = g.broken
	} else if err := g.tx.Commit(); err != nil {
		_ = g.tx.Rollback()
		g.err = lazyerrors.Error(err)
	}

	close(g.committed)
}

// logQuery logs a query at debug level. Modified for Hovor: FerretDB built the logger with the
// query's fields (an allocation per field) for every query, even with debug logging off.
func logQuery(ctx context.Context, l *slog.Logger, fields []any, prefix, query string) {
	if !l.Enabled(ctx, slog.LevelDebug) {
		return
	}

	l.With(fields...).DebugContext(ctx, prefix+query)
}

// check interfaces
var (
	_ prometheus.Collector = (*DB)(nil)
)

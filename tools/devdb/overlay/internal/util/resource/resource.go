// Copyright 2021 FerretDB Inc.
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

// Modified for Hovor: lifetimes are not tracked (see Track).

// Package resource provides utilities for tracking resource lifetimes.
package resource

// Token should be a field of a tracked object.
//
// The underlying type is not struct{} because (from the Go spec)
// "Two distinct zero-size variables may have the same address in memory",
// and they do.
type Token byte

// NewToken returns a new Token.
func NewToken() *Token {
	return new(Token)
}

// Track would track the lifetime of an object until Untrack is called on it.
//
// FerretDB tracks every iterator, connection and transaction this way to find leaks in its own
// tests: an entry in a pprof profile with the caller's stack, and a finalizer that panics if the
// object is collected untracked. Under Hovor's load that cost ~17 % of the database's CPU (one
// iterator per document returned), and a leak would bring the whole database down. Hovor's
// build tracks nothing; the arguments are still checked.
func Track(obj any, token *Token) {
	checkArgs(obj, token)
}

// Untrack stops tracking the lifetime of an object (nothing to do, see Track).
func Untrack(obj any, token *Token) {
	checkArgs(obj, token)
}

// checkArgs checks Track and Untrack arguments.
func checkArgs(obj any, token *Token) {
	if obj == nil {
		panic("obj must not be nil")
	}

	if token == nil {
		panic("token must not be nil")
	}
}

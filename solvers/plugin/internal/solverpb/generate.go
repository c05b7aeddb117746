// Package solverpb holds the gRPC messages and service of the solver
// plugin protocol, generated from solver.proto. Regenerate after editing
// solver.proto with go generate; it needs protoc (Debian package
// protobuf-compiler) and, on PATH, protoc-gen-go v1.36.12
// (google.golang.org/protobuf/cmd/protoc-gen-go) and protoc-gen-go-grpc
// v1.5.1 (google.golang.org/grpc/cmd/protoc-gen-go-grpc). Building neusim
// needs none of them, because the generated files are committed.
package solverpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative solver.proto

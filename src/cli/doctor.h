// `fantrace doctor`: what this kernel offers fantrace and which BPF code
// path the tracer uses here, so that a user on an older kernel learns in
// one command whether and why fantrace can run.
#pragma once

namespace fantrace::cli {

// Prints the report on stdout; returns 0 when fantrace can trace on this
// kernel, kExitUsage when it cannot (the reason is the last line).
// Also reports fantraced (its socket) and the user's default database
// (exists, readable, schema version), each in one line of words. An
// ordinary user gets those two; 0 when fantraced answers.
int RunDoctor();

}  // namespace fantrace::cli

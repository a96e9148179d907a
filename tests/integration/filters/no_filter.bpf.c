/* Test object: valid BPF, but no FANTRACE_FILTER program in it. */
int not_a_filter = 1;

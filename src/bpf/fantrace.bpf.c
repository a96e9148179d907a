// placeholder until the engine lands; replaced in the next commit
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");
char LICENSE[] SEC("license") = "GPL";

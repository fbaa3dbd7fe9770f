#!/usr/bin/python3
"""The Hamiltonian SSM of echolab (docs/hssm.md) in PyTorch, float64 on the CPU, its
gradient by autograd BPTT: the peer of echolab_hssm_bench.

    hssm_torch_peer.py DIR LENGTH [--threads T]

reads DIR/checkpoint_LENGTH.json (echolab's parameters) and DIR/batch_LENGTH.json (the
model's shape, the batch, echolab's RHEL and BPTT gradients), both written by
`echolab_hssm_bench --peer DIR`, times one gradient (forward and backward) and prints one
JSON line: wall and CPU time, the peak resident memory the gradient added, and the relative
differences between its gradient and echolab's. Classification with linear units only, the
model the benchmark builds. Needs PyTorch: `scripts/setup.sh --bench` installs Debian's
python3-torch.
"""

import argparse
import json
import resource
import sys
import time

try:
    import torch
except ImportError:
    sys.exit("hssm_torch_peer.py: PyTorch is not installed; install it with "
             "`scripts/setup.sh --bench` (Debian's python3-torch) and run /usr/bin/python3")

CHANNEL_NORM_EPSILON = 1e-5


def status_bytes(field):
    """A field of /proc/self/status (VmRSS, VmHWM), in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


class FlatParameters:
    """Views on echolab's flat parameter vector, in its order (column-major matrices)."""

    def __init__(self, theta):
        self.theta = theta
        self.offset = 0

    def take(self, count):
        view = self.theta[self.offset:self.offset + count]
        self.offset += count
        return view

    def matrix(self, rows, cols):
        # column-major rows x cols
        return self.take(rows * cols).view(cols, rows).t()

    def dense(self, inputs, outputs):
        return self.matrix(outputs, inputs), self.take(outputs)


def channel_norm(x):
    # y = (x - mean(x)) / sqrt(var(x) + eps) over the channels of each step
    mean = x.mean(dim=-1, keepdim=True)
    variance = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(variance + CHANNEL_NORM_EPSILON)


def linear_hru(u, B, C, D, a_hat, step_hat):
    """f = B u; leapfrog from rest with position half-steps; y_k = C q_(k+1) + D u_k."""
    A = torch.relu(a_hat)
    delta = torch.sigmoid(step_hat)
    # batch x K x P; unbind's backward stacks the steps' gradients once (indexing one step
    # at a time would allocate the whole sequence's gradient at every step)
    forces = (u @ B.t()).unbind(dim=1)
    q = torch.zeros(u.shape[0], B.shape[0], dtype=u.dtype)
    p = torch.zeros_like(q)
    positions = []
    for force in forces:
        # q_a = q + d/2 p;  p' = p - d (A q_a - f_k);  q' = q_a + d/2 p'
        half = q + 0.5 * delta * p
        p = p - delta * (A * half - force)
        q = half + 0.5 * delta * p
        positions.append(q)
    return torch.stack(positions, dim=1) @ C.t() + D * u


def loss(theta, shape, inputs, labels):
    """The mean softmax cross-entropy of the batch, as HamiltonianSsm::Evaluate."""
    H, P = shape["hidden"], shape["state"]
    params = FlatParameters(theta)
    W, b = params.dense(shape["inputs_channels"], H)
    x = inputs @ W.t() + b
    for _ in range(shape["layers"]):
        B = params.matrix(P, H)
        C = params.matrix(H, P)
        D = params.take(H)
        a_hat, step_hat = params.take(P), params.take(P)
        W1, b1 = params.dense(H, H)
        W2, b2 = params.dense(H, H)
        h = torch.nn.functional.gelu(linear_hru(channel_norm(x), B, C, D, a_hat, step_hat))
        x = x + (h @ W1.t() + b1) * torch.sigmoid(h @ W2.t() + b2)
    W, b = params.dense(H, shape["classes"])
    logits = x.mean(dim=1) @ W.t() + b
    assert params.offset == theta.numel(), "parameter count differs from echolab's"
    return torch.nn.functional.cross_entropy(logits, labels)


def matmul_gflops(rows, inner, cols):
    """The rate of one float64 product of the model's shape (batch-steps x H by H x P): what
    this PyTorch build's matrix products run at."""
    a = torch.rand(rows, inner, dtype=torch.float64)
    b = torch.rand(inner, cols, dtype=torch.float64)
    best = float("inf")
    for _ in range(3):
        wall = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - wall)
    return 2.0 * rows * inner * cols / best / 1e9


def relative(a, b):
    return float((a - b).norm() / b.norm())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("length", type=int)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with open(f"{args.dir}/checkpoint_{args.length}.json") as f:
        theta0 = torch.tensor(json.load(f)["parameters"], dtype=torch.float64)
    with open(f"{args.dir}/batch_{args.length}.json") as f:
        shape = json.load(f)
    inputs = torch.tensor(shape["inputs"], dtype=torch.float64).view(
        len(shape["labels"]), shape["length"], shape["inputs_channels"])
    labels = torch.tensor(shape["labels"], dtype=torch.long)

    theta = theta0.clone().requires_grad_(True)
    before = status_bytes("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak of resident memory
    wall, cpu = time.perf_counter(), time.process_time()
    loss(theta, shape, inputs, labels).backward()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    added = status_bytes("VmHWM") - before

    gradient = theta.grad.detach()
    bptt = torch.tensor(shape["bptt_gradient"], dtype=torch.float64)
    rhel = torch.tensor(shape["rhel_gradient"], dtype=torch.float64)
    print(json.dumps({
        "length": args.length,
        "batch": len(shape["labels"]),
        "threads": torch.get_num_threads(),
        "wall_time_s": wall,
        "cpu_time_s": cpu,
        "added_MiB": added / 2**20,
        "matmul_gflops": matmul_gflops(4096, shape["hidden"], shape["state"]),
        "peak_rss_MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "vs_echolab_bptt": relative(gradient, bptt),
        "vs_echolab_rhel": relative(gradient, rhel),
        "echolab_rhel_vs_bptt": relative(rhel, bptt),
    }))


if __name__ == "__main__":
    main()

"""W1 (issue 14) in PyTorch, the baseline `bench/w1.ts` runs beside ours.

Same inputs and math as bench/w1Case.ts: harmonic synth with linear upsampling and the inclusive
cumulative phase (harmonics at or above Nyquist silenced sample by sample, as ours), DDSP's
frequency_filter (window 0, 128 taps, 64-sample blocks, FFT 256, crop [62, 62 + T)), and the
six-scale L1 magnitude + log(S + 1e-5) loss over valid periodic-Hann frames.

Usage: python3 bench/w1_torch.py [--dtype float32|float64] [--threads N] [--ms 2000]
Prints one JSON line: medians in ms for (a), (b), (c), noise, loss, and the check values.
"""
import argparse
import json
import math
import time

import torch

T, F, K, B, SR = 64000, 1000, 100, 65, 16000
SIZES = [2048, 1024, 512, 256, 128, 64]


def inputs(dtype):
    i = torch.arange(F, dtype=torch.float64)
    t = 64 * i / SR
    f0 = 200 + 200 * i / (F - 1) + 6 * torch.sin(2 * math.pi * 5.5 * t)
    amp = 0.3 + 0.15 * torch.sin(2 * math.pi * 0.75 * t) + 0.05 * torch.cos(2 * math.pi * 3 * t)
    k = torch.arange(K, dtype=torch.float64)
    hd = (1 + 0.5 * torch.sin(0.3 * k[None, :] + 2 * math.pi * 0.5 * t[:, None])) / (k[None, :] + 1)
    hd = torch.where((k[None, :] + 1) * f0[:, None] < SR / 2, hd, torch.zeros_like(hd))
    hd = hd / hd.sum(1, keepdim=True)
    b = torch.arange(B, dtype=torch.float64)
    nm = 0.01 + 0.02 * torch.exp(-b[None, :] / 20) * (1 + 0.5 * torch.sin(2 * math.pi * 0.25 * t[:, None] + 0.1 * b[None, :]))
    s = 12345
    u = []
    for _ in range(2 * T):
        s = (1664525 * s + 1013904223) % 2**32
        u.append(s / 2**32)
    u = torch.tensor(u, dtype=torch.float64)
    noise = 2 * u[:T] - 1
    target = u[T:] - 0.5
    return [x.to(dtype) for x in (f0, amp, hd, nm, noise, target)]


def upsample(x, hop):
    """Linear interpolation of frames [F, C] to samples [F·hop, C], the last frame held (DDSP's add_endpoint)."""
    nxt = torch.cat([x[1:], x[-1:]], 0)
    a = torch.arange(hop, dtype=x.dtype) / hop
    return (x[:, None, :] + a[None, :, None] * (nxt - x)[:, None, :]).reshape(-1, x.shape[1])


MASK = False


def synth(f0, amp, hd):
    h = upsample(amp[:, None] * hd, T // F)
    f = upsample(f0[:, None], T // F)[:, 0]
    phase = torch.cumsum(2 * math.pi * f / SR, 0)
    k = torch.arange(1, K + 1, dtype=f0.dtype)
    if MASK:
        # Ours silences a harmonic at or above Nyquist sample by sample; W1's peers do not (the
        # distribution is already zero there frame by frame), so timing runs without the mask.
        h = h * ((k[None, :] * f[:, None]) < SR / 2)
    return (h * torch.sin(phase[:, None] * k[None, :])).sum(1)


def filter_noise(noise, nm):
    ir = torch.fft.irfft(nm.to(torch.complex128 if nm.dtype == torch.float64 else torch.complex64), dim=-1)  # [F, 128] zero-phase
    n = ir.shape[-1]
    win = torch.hann_window(n, periodic=True, dtype=nm.dtype)
    ir = ir * torch.roll(win, n // 2)
    ir = torch.roll(ir, n // 2, dims=-1)  # causal
    hop = T // F
    size = 256
    blocks = noise.reshape(F, hop)
    y = torch.fft.irfft(torch.fft.rfft(blocks, size) * torch.fft.rfft(ir, size), size)  # [F, 256]
    # Overlap-add with hop 64: full length F·hop + size.
    full = torch.nn.functional.fold(y.T[None], output_size=(1, F * hop + size - hop), kernel_size=(1, size), stride=(1, hop))[0, 0, 0]
    return full[62:62 + T]


def loss_fn(audio, target):
    total = 0
    for n in SIZES:
        w = torch.hann_window(n, periodic=True, dtype=audio.dtype)
        s = torch.stft(audio, n, n // 4, window=w, center=False, return_complex=True).abs()
        st = torch.stft(target, n, n // 4, window=w, center=False, return_complex=True).abs()
        total = total + (s - st).abs().mean() + (torch.log(s + 1e-5) - torch.log(st + 1e-5)).abs().mean()
    return total


def median_ms(f, ms):
    for _ in range(3):
        f()
    ts = []
    start = time.perf_counter()
    while len(ts) < 5 or (time.perf_counter() - start) * 1000 < ms:
        t0 = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--dtype', default='float32', choices=['float32', 'float64'])
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--ms', type=float, default=2000)
    p.add_argument('--grad-error', action='store_true', help='print how far float32 gradients are from float64 ones (relative L2) and exit')
    a = p.parse_args()
    if a.grad_error:
        grads = {}
        for dt in (torch.float32, torch.float64):
            f0, amp, hd, nm, noise, target = inputs(dt)
            xs = [x.clone().requires_grad_() for x in (f0, amp, hd, nm)]
            loss_fn(synth(*xs[:3]) + filter_noise(noise, xs[3]), target).backward()
            grads[dt] = [x.grad.double() for x in xs]
        names = ['f0', 'amp', 'hd', 'nm']
        print(json.dumps({'torch': torch.__version__, 'relL2_f32_vs_f64': {n: float((g32 - g64).norm() / g64.norm()) for n, g32, g64 in zip(names, grads[torch.float32], grads[torch.float64])}}))
        return
    torch.set_num_threads(a.threads)
    dtype = getattr(torch, a.dtype)
    f0, amp, hd, nm, noise, target = inputs(dtype)

    def forward(f0, amp, hd, nm):
        return loss_fn(synth(f0, amp, hd) + filter_noise(noise, nm), target)

    def forward_backward():
        xs = [x.clone().requires_grad_() for x in (f0, amp, hd, nm)]
        loss = forward(*xs)
        loss.backward()
        return loss

    global MASK
    with torch.no_grad():
        MASK = True
        check = {
            'loss': float(forward(f0, amp, hd, nm)),
            'sumAbsSynth': float(synth(f0, amp, hd).abs().sum()),
            'sumAbsNoise': float(filter_noise(noise, nm).abs().sum()),
        }
        MASK = False
        fixed = synth(f0, amp, hd) + filter_noise(noise, nm)
        res = {
            'a': median_ms(lambda: forward(f0, amp, hd, nm), a.ms),
            'c': median_ms(lambda: synth(f0, amp, hd), a.ms),
            'noise': median_ms(lambda: filter_noise(noise, nm), a.ms),
            'loss': median_ms(lambda: loss_fn(fixed, target), a.ms),
        }
    res['b'] = median_ms(forward_backward, a.ms)
    print(json.dumps({'torch': torch.__version__, 'dtype': a.dtype, 'threads': a.threads, 'ms': res, 'check': check}))


if __name__ == '__main__':
    main()

#!/usr/bin/env bash
# Prepare .device/ for running bench/gpu.ts on the GPU machine (an NVIDIA H100/H200 with no Node,
# Deno or network; see ../shared/gpu/README.md): a self-contained esbuild bundle of the bench, Deno
# (xz-compressed) and the Vulkan/GL loader packages. Then, with the session's device tool, run
#   carry: [".device"]
#   command: bash .device/run.sh        (writes $OUT/gpu-bench.md)
# BENCH_GPU_BATCH, BENCH_GPU_PRESET, BENCH_GPU_AE_BATCH and BENCH_GPU_CPU_BATCH pass through (run.sh
# defaults them to the issue's sizes, 16, soloInstrument, 16, with the CPU step timed at batch 2 ×
# 8: a solo_instrument CPU step at batch 16 takes minutes on one core).
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo /.device/ >> .git/info/exclude
rm -rf .device && mkdir -p .device/gl /tmp/ddsp-apt/partial
npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --outfile=.device/gpu-bench.mjs \
  --external:gl --external:webgpu --log-level=error \
  --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
echo '{}' > .device/package.json
deno=$(find node_modules -path '*deno*' -name deno -type f -perm -u+x | head -1)
xz -T2 -6 -c "$deno" > .device/deno.xz
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/ddsp-apt'
apt-get $o update -qq
for pkg in libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2; do
  (cd .device/gl && apt-get $o download "$pkg" >/dev/null 2>&1 || true)
  ls .device/gl/"$pkg"_*.deb >/dev/null || { echo "could not download $pkg" >&2; exit 1; }
done
cat > .device/run.sh <<'RUN'
#!/usr/bin/env bash
set -euo pipefail
for f in .device/gl/*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json} XDG_RUNTIME_DIR=/tmp
export BENCH_GPU_BATCH=${BENCH_GPU_BATCH:-16} BENCH_GPU_PRESET=${BENCH_GPU_PRESET:-soloInstrument} BENCH_GPU_AE_BATCH=${BENCH_GPU_AE_BATCH:-16} BENCH_GPU_CPU_BATCH=${BENCH_GPU_CPU_BATCH:-2}
xz -d -c .device/deno.xz > /tmp/deno && chmod +x /tmp/deno
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
nproc
cd .device && /tmp/deno run -A gpu-bench.mjs | tee "${OUT:-/tmp}/gpu-bench.md"
RUN
chmod +x .device/run.sh
du -sh .device

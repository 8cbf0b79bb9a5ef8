#!/usr/bin/env bash
# Builds the GPU bundle: a jlinked Java runtime, the program, the GPU build of ONNX Runtime's natives and
# gpu-check.sh, compressed with xz and split into parts of at most 55 MiB for a GPU machine without Java or
# network. Usage: scripts/gpu-bundle.sh [OUTDIR]   (default OUTDIR: .gpu-bundle in the repository root)
# It uses the normal CPU build's train/target/loca-all.jar (building it with the README's command if missing or
# older than the sources) and never rebuilds with -Pcuda, so the CPU build outputs stay as they are. The
# compressed natives and runtime are cached in ${LOCA_GPU_CACHE:-~/.cache/loca-gpu-bundle} by content.
# See docs/GPU.md.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$repo/.gpu-bundle}" && cd "${1:-$repo/.gpu-bundle}" && pwd)
cache=${LOCA_GPU_CACHE:-$HOME/.cache/loca-gpu-bundle}
part_size=55M
ort_version=1.24.1-1.5.13
gpu_jar=$HOME/.m2/repository/org/bytedeco/onnxruntime/$ort_version/onnxruntime-$ort_version-linux-x86_64-gpu.jar
start=$(date +%s)
say() { echo "gpu-bundle: $*" >&2; }

cd "$repo"
jar=train/target/loca-all.jar
if [ ! -f "$jar" ] || [ -n "$(find */src pom.xml */pom.xml -newer "$jar" -print -quit)" ]; then
  say "building $jar (./mvnw -B -q -DskipTests package)"
  ./mvnw -B -q -DskipTests package >&2
fi
if [ ! -f "$gpu_jar" ]; then
  say "fetching the GPU build of ONNX Runtime ($ort_version, linux-x86_64-gpu, 129 MB) from Maven Central"
  ./mvnw -B -q dependency:get -Dartifact=org.bytedeco:onnxruntime:$ort_version:jar:linux-x86_64-gpu >&2
fi

work="$out/work"
rm -rf "$work" "$out"/loca-gpu.tar.xz.part-*
mkdir -p "$work" "$cache"

# 1. natives: ONNX Runtime's GPU build plus the CPU natives it loads first (javacpp, dnnl, opencl); cached by content
natives_key=$( (sha1sum "$gpu_jar" | cut -c1-40; unzip -v "$jar" | grep -E 'org/bytedeco/[^/]+/linux-x86_64/.*\.so') \
  | sha1sum | cut -c1-16)
natives="$cache/natives-$natives_key.tar.xz"
if [ ! -f "$natives" ]; then
  say "compressing the native libraries (xz -6 -T2; minutes, cached afterwards in $natives)"
  n="$work/natives/loca-gpu/lib/natives"
  mkdir -p "$n"
  unzip -q "$gpu_jar" 'org/bytedeco/onnxruntime/linux-x86_64-gpu/*' -d "$n"
  unzip -q "$jar" 'org/bytedeco/*/linux-x86_64/*.so*' -x 'org/bytedeco/onnxruntime/*' -d "$n"
  tar -C "$work/natives" --owner=0 --group=0 --sort=name -cf - loca-gpu | xz -6 -T2 > "$natives.tmp"
  mv "$natives.tmp" "$natives"
fi

# 2. a Java runtime with only the modules the program needs; cached by module list and JDK version
modules=$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 "$jar" 2>/dev/null | tail -1)
modules="$modules,jdk.crypto.ec,jdk.zipfs"
jre_key=$( (java -version 2>&1; echo "$modules") | sha1sum | cut -c1-16)
jre="$cache/jre-$jre_key.tar.xz"
if [ ! -f "$jre" ]; then
  say "jlinking a runtime with $modules"
  mkdir -p "$work/jre/loca-gpu"
  jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 \
    --output "$work/jre/loca-gpu/jre"
  tar -C "$work/jre" --owner=0 --group=0 --sort=name -cf - loca-gpu | xz -6 -T2 > "$jre.tmp"
  mv "$jre.tmp" "$jre"
fi

# 3. the program: the executable jar without its CPU natives, the launcher and the check
app="$work/app/loca-gpu"
mkdir -p "$app/lib" "$app/bin"
cp "$jar" "$app/lib/loca.jar"
zip -q -d "$app/lib/loca.jar" 'org/bytedeco/*/linux-x86_64/*' >/dev/null
cp scripts/gpu-check.sh "$app/gpu-check.sh"
cat > "$app/bin/loca" <<'LAUNCHER'
#!/usr/bin/env sh
# The loca executable of the GPU bundle: the bundled runtime, the GPU natives (lib/natives) before the program.
here=$(cd "$(dirname "$0")/.." && pwd)
exec "$here/jre/bin/java" -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 ${LOCA_JAVA_OPTS:--Xmx8g} -Dorg.bytedeco.javacpp.platform.extension=-gpu \
  -cp "$here/lib/natives:$here/lib/loca.jar" dev.loca.train.cli.LocaMain "$@"
LAUNCHER
chmod +x "$app/bin/loca" "$app/gpu-check.sh"
(cd "$repo" && git describe --always --dirty 2>/dev/null || echo unknown) > "$app/VERSION"
tar -C "$work/app" --owner=0 --group=0 --sort=name -cf - loca-gpu | xz -6 -T2 > "$work/app.tar.xz"

# 4. one stream of concatenated xz archives (gpu-check.sh unpacks it with tar --ignore-zeros), split into parts
cat "$natives" "$jre" "$work/app.tar.xz" | split -b "$part_size" -d -a 2 - "$out/loca-gpu.tar.xz.part-"
cp scripts/gpu-check.sh "$out/gpu-check.sh"
(cd "$out" && sha256sum loca-gpu.tar.xz.part-* > loca-gpu.sha256)
rm -rf "$work"
for p in "$out"/loca-gpu.tar.xz.part-*; do
  stat -c '%n %s' "$p" | awk '{ n = split($1, a, "/"); printf "part %s %d bytes (%.1f MiB)\n", a[n], $2, $2 / 1048576 }'
done
echo "bundle in $out: $(ls "$out"/loca-gpu.tar.xz.part-* | wc -l) part(s), built in $(( $(date +%s) - start )) s"

#!/usr/bin/env bash
# Writes a container base image with a Java runtime, as a docker-save tarball that Jib reads
# (from.image tar://...), from this machine's JDK alone: no registry is pulled from (the build
# machines reach none). Called by the build, prepare-package phase:
#   base-image.sh <out-dir> <java.home> <jvm flags>
# <out-dir>/base.tar: one layer with /opt/java (a jlink'ed runtime of the JDK's modules, or a copy of
# the JDK where it has no jmods), the shared libraries it loads (from this machine, by ldd), /tmp.
# <out-dir>/extra/opt/millrace/jvm.options: the JVM flags, an argument file for the entrypoint.
set -euo pipefail
out="$1"; java_home="$2"; flags="$3"
rm -rf "$out"
root="$out/rootfs"
mkdir -p "$root/opt" "$root/tmp" "$root/etc" "$out/extra/opt/millrace"
chmod 1777 "$root/tmp"
printf '%s\n' "$flags" > "$out/extra/opt/millrace/jvm.options"
if [ -d "$java_home/jmods" ]; then
  "$java_home/bin/jlink" --add-modules ALL-MODULE-PATH --module-path "$java_home/jmods" --strip-debug \
    --no-header-files --no-man-pages --output "$root/opt/java" >/dev/null
else
  cp -a "$(readlink -f "$java_home")" "$root/opt/java"
fi
# Debian's layout first: /lib and /lib64 are links into /usr; the loader's path goes through them.
for l in lib lib64; do
  if [ -L "/$l" ]; then
    mkdir -p "$root/$(readlink -f "/$l")"
    ln -s "$(readlink "/$l")" "$root/$l"
  fi
done
# Copies a file as it is here, each link of a chain (soname -> file) too.
copy_chain() {
  local p="$1" t
  for _ in 1 2 3 4 5 6 7 8; do
    [ -e "$p" ] || return 0
    mkdir -p "$root$(dirname "$p")"
    [ -e "$root$p" ] || [ -L "$root$p" ] || cp -a "$p" "$root$p"
    [ -L "$p" ] || return 0
    t="$(readlink "$p")"
    case "$t" in /*) p="$t" ;; *) p="$(dirname "$p")/$t" ;; esac
  done
}
# The runtime's native libraries need the C library and a few others: this machine's, by ldd.
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 ldd 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | sort -u | while read -r lib; do copy_chain "$lib"; done
# And what the native code inside millrace's jars loads (sqlite-jdbc, zstd-jni, snappy, netty):
# the rest of the C library's sonames, the C++ runtime, zlib, name resolution.
libdir="$(dirname "$(readlink -f "$(ldd "$java_home/bin/java" | grep -o '/[^ ]*/libc\.so\.6')")")"
for name in libpthread.so.0 libdl.so.2 librt.so.1 libm.so.6 libresolv.so.2 libnss_files.so.2 libnss_dns.so.2 \
    libgcc_s.so.1 libstdc++.so.6 libz.so.1; do
  copy_chain "$libdir/$name"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\n' > "$root/etc/passwd"
( cd "$root" && tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -cf "$out/layer.tar" . )
diff_id="sha256:$(sha256sum "$out/layer.tar" | cut -d' ' -f1)"
cat > "$out/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"millrace image/src/build/base-image.sh: a Java runtime from the build's JDK"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["millrace-base:local"],"Layers":["layer.tar"]}]\n' > "$out/manifest.json"
( cd "$out" && tar -cf base.tar manifest.json config.json layer.tar )
rm -rf "$root" "$out/layer.tar"
echo "base-image.sh: $out/base.tar ($(du -m "$out/base.tar" | cut -f1) MB)"

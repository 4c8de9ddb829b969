#!/usr/bin/env python3
"""Regenerates fuzz/seeds/TARGET/ from the project's test files.

Run from the repository root: python3 fuzz/make_seeds.py
Seeds are kept small (each under 8 KiB, a few hundred KiB in all).
"""
import glob, gzip, hashlib, io, os, struct, tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "seeds")
MAX = 8 * 1024


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(p):
    with open(p, "rb") as f:
        return f.read()


def files(pattern):
    return sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True))


# Term files: the OTP conformance cases, the example release files.
term_files = files("erlterm/tests/consult/cases/*") + files("examples/shop/**/*.app") \
    + files("examples/shop/**/*.appup") + files("examples/shop/**/*.rel")
for p in term_files:
    for t in ("term_parse", "fast_vs_full", "serde_config", "document"):
        put(t, read(p))
put("serde_config", '[{name, "shop"}, {vsn, undefined}, {mode, {custom, [{name, "x"}, {level, 3}]}},'
    ' {endpoints, [#{host => "h", port => 80, tags => ["a"]}]}, {env, #{"k" => [{"a", 1}]}},'
    ' {tree, {node, [{leaf, 1}, {node, []}]}}, {blob, <<1,2,3>>}, {raw, {any, [term]}}].')
put("serde_config", '#{name => <<"n">>, mode => embedded, vsn => "1"}.')

# Appups: version line, then the appup.
for p in files("examples/shop/**/*.appup") + files("relup/tests/cases/*/lib/*/ebin/*.appup")[:40]:
    for vsn in (b"1.0.0", b"1.1.0"):
        put("appup", vsn + b"\n" + read(p))
for line in open(os.path.join(ROOT, "appup/tests/golden/generated_pairs.tsv")).read().splitlines()[:400:8]:
    parts = line.split("\t")
    if len(parts) >= 3 and parts[0] == "re":
        pat, vsn = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        put("appup", vsn + b'\n{"2", [{<<"' + pat.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
            + b'">>, [{load_module, m}]}], []}.\n')
put("appup", '2.0\n{"{{vsn}}", [{<<"1\\\\..*">>, [{update, m, {advanced, []}}, {add_module, n},'
    ' {apply, {m, f, []}}, restart_new_emulator]}], [{"1.0", [{delete_module, n}]}]}.')


# Releases: new .rel, old .rel, then (.app, .appup) pairs, NUL-separated.
def release_seed(new_rel, old_rel, lib):
    parts = [read(new_rel), read(old_rel)]
    for app in sorted(glob.glob(os.path.join(lib, "*/ebin/*.app"))):
        up = app + "up"
        parts += [read(app), read(up) if os.path.exists(up) else b""]
    return b"\0".join(parts)


shop = os.path.join(ROOT, "examples/shop")
put("relup_gen", release_seed(f"{shop}/releases/1.1.0/shop.rel", f"{shop}/releases/1.0.0/shop.rel", f"{shop}/lib"))
put("relup_gen", release_seed(f"{shop}/releases/1.2.0/shop.rel", f"{shop}/releases/1.1.0/shop.rel", f"{shop}/lib"))
for case in files("relup/tests/cases/case-*")[:12]:
    rels = sorted(glob.glob(f"{case}/**/*.rel", recursive=True))
    if len(rels) >= 2:
        put("relup_gen", release_seed(rels[-1], rels[0], f"{case}/lib"))

# relx-config: every case file of its tests, and the example configs.
for p in [f for f in files("relx-config/tests/*/cases/**/*") if os.path.isfile(f)] + files("examples/**/*.config") + files("examples/**/vm.args*"):
    put("relx_config", read(p))
put("relx_config", "{relx, [{release, {shop, \"1.0\"}, [kernel, {web, load}]}, {dev_mode, false},"
    " {include_erts, true}, {sys_config_src, \"config/sys.config.src\"}]}.\n"
    "{deps, [{cowboy, \"2.9.0\"}, {x, {git, \"u\", {tag, \"1\"}}}]}.\n{profiles, [{prod, [{relx, [{mode, prod}]}]}]}.\n")
put("relx_config", "-name ${NODE}\n-setcookie ${COOKIE:-secret}\n-args_file more.args\n+K true\n")
put("relx_config", '{application, web, [{vsn, "1.0"}, {description, "d"}, {modules, [m]},'
    ' {registered, []}, {applications, [kernel, stdlib]}, {mod, {web_app, []}}, {env, []}]}.')


# BEAM files and the terms inside them.
def chunks(data):
    out, i = [], 12
    while i + 8 <= len(data):
        cid, size = data[i:i + 4], struct.unpack(">I", data[i + 4:i + 8])[0]
        out.append((cid, data[i + 8:i + 8 + size]))
        i += 8 + ((size + 3) & ~3)
    return out


beams = sorted(files("beam/tests/fixtures/**/*.beam"), key=os.path.getsize)[:24]
for p in beams:
    data = read(p)
    put("beam_file", data)
    for cid, body in chunks(data):
        if cid in (b"Attr", b"CInf", b"LitT", b"Meta"):
            put("etf_decode", body)
for t in (b"\x83h\x02d\x00\x02okk\x00\x03abc", b"\x83l\x00\x00\x00\x01a\x01jt\x00\x00\x00\x01d\x00\x01ka\x02",
          b"\x83n\x04\x00\x01\x02\x03\x04", b"\x83m\x00\x00\x00\x03abc", b"\x83M\x00\x00\x00\x01\x03\xa0",
          b"\x83F@\t!\xfbTD-\x18", b"\x83w\x03\xc3\xa9a", b"\x83P\x00\x00\x00\x0ex\x9c\xcba`\x80\x00\x00\x00\x1e\x00\x02"):
    put("etf_decode", t)


# Tarballs: small releases, gzip-compressed, plus hostile ones.
def tarball(entries, gz=True):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, kind, data in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 0
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            elif kind == "sym":
                info.type, info.linkname = tarfile.SYMTYPE, data
                tar.addfile(info)
            elif kind == "hard":
                info.type, info.linkname = tarfile.LNKTYPE, data
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    raw = buf.getvalue()
    return gzip.compress(raw, mtime=0) if gz else raw


elf = read("/bin/true")[:1024] if os.path.exists("/bin/true") else b"\x7fELF"
rel = read(f"{shop}/releases/1.0.0/shop.rel")
app = read(f"{shop}/lib/web-1.1.0/ebin/web.app")
appup = read(f"{shop}/lib/web-1.1.0/ebin/web.appup")
good = [("releases", "dir", None), ("releases/1.0.0/shop.rel", "file", rel),
        ("releases/RELEASES", "file", b"[]."), ("releases/start_erl.data", "file", b"13.0 1.0.0\n"),
        ("lib/web-1.1.0/ebin/web.app", "file", app), ("lib/web-1.1.0/ebin/web.appup", "file", appup),
        ("erts-13.0/bin/beam.smp", "file", elf), ("lib/crypto-5.1/priv/lib/crypto.so", "file", elf)]
put("tarball", tarball(good))
put("tarball", tarball(good, gz=False))
put("tarball", tarball([("shop/" + n, k, d) for n, k, d in good]))
put("tarball", tarball(good[:2] + [("../evil.rel", "file", b"x")]))
put("tarball", tarball(good[:2] + [("lib/x/priv/l.so", "sym", "/etc/passwd")]))
put("tarball", tarball(good[:2] + [("lib/x/ebin/x.app", "hard", "releases/1.0.0/shop.rel")]))
put("tarball", tarball(good[:2] + [("releases/1.0.0/shop.rel", "file", b"dup")]))

# Changes to files that exist before the run (the overlay's lower layer when sandboxed): copy-up,
# whiteouts, opaque directories, renamed lower directories, links. argv[1]: the seeded directory.
import errno, os, stat, sys

def r(what, fn, *a, **k):
    try:
        v = fn(*a, **k)
        print(f"{what}: ok" + ("" if v is None else f" {v}"))
    except OSError as e:
        print(f"{what}: {errno.errorcode[e.errno]}")

def tree(top):
    out = []
    for dirpath, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            t = 'd' if stat.S_ISDIR(st.st_mode) else 'l' if stat.S_ISLNK(st.st_mode) else 'f'
            extra = os.readlink(p) if t == 'l' else (open(p, 'rb').read() if t == 'f' else st.st_nlink)
            out.append(f"{p} {t} {oct(st.st_mode & 0o7777)} {extra!r}")
    return "\n  " + "\n  ".join(out)

os.chdir(sys.argv[1])
r("tree before", tree, ".")
ino = os.stat("dir1/a").st_ino
with open("dir1/a", "a") as f: f.write("appended\n")
r("a keeps its inode", lambda: os.stat("dir1/a").st_ino == ino)
r("dir1 mtime kept", lambda: os.stat("dir1").st_mtime == 1000000)
r("unlink dir1/b", os.unlink, "dir1/b")
r("dir1/b", os.lstat, "dir1/b")
r("create dir1/b again", lambda: open("dir1/b", "w").write("new b\n"))
r("rmdir dir2 (not empty)", os.rmdir, "dir2")
for n in sorted(os.listdir("dir2")):
    p = "dir2/" + n
    (os.rmdir if os.path.isdir(p) and not os.path.islink(p) else os.unlink)(p) if n != "sub" else None
r("rmdir dir2/sub (has c)", os.rmdir, "dir2/sub")
os.unlink("dir2/sub/c")
r("rmdir dir2/sub", os.rmdir, "dir2/sub")
r("rmdir dir2", os.rmdir, "dir2")
r("mkdir dir2 again", os.mkdir, "dir2")
r("dir2 is empty (opaque)", os.listdir, "dir2")
r("rename dir3 moved", os.rename, "dir3", "moved")
r("moved/x", lambda: open("moved/x").read())
r("moved/deep/y", lambda: open("moved/deep/y").read())
r("dir3", os.lstat, "dir3")
r("rename moved/deep dir3", os.rename, "moved/deep", "dir3")
r("dir3/y", lambda: open("dir3/y").read())
r("chmod dir1 700", os.chmod, "dir1", 0o700)
r("chmod link target", os.chmod, "link", 0o600)
r("utime lower", os.utime, "top.txt", (5, 6))
r("hard link lower", os.link, "top.txt", "top.hard")
r("nlink", lambda: os.stat("top.txt").st_nlink)
r("sed-like replace", lambda: (open("new.tmp", "w").write(open("top.txt").read().upper()), os.rename("new.tmp", "top.txt")))
r("top.hard untouched", lambda: open("top.hard").read())
r("exchange-free rename over lower", os.rename, "dir1/a", "dir1/c")
r("rename dir over lower empty dir", os.rename, "dir2", "emptydir")
r("symlink over whiteout", lambda: (os.unlink("link"), os.symlink("dir1", "link")))
r("listdir link/", lambda: sorted(os.listdir("link/")))
r("tree after", tree, ".")

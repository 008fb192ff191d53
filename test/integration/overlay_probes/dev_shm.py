# /dev/shm probe, run natively and in the sandbox: POSIX shared memory (shm_open), files and
# directories made there, named semaphores (sem_open, via multiprocessing's locks). Only names
# starting with the prefix argv[1] are listed, so the host's own shared-memory objects do not
# show in the native output (the sandbox must not see any of them: checked by the test itself).
import ctypes, errno, mmap, multiprocessing, os, stat, sys
import _posixshmem

prefix = sys.argv[1]
libc = ctypes.CDLL(None, use_errno=True)
TMPFS_MAGIC = 0x01021994

def r(what, fn, *a, **k):
    try:
        v = fn(*a, **k)
        print(f"{what}: ok" + ("" if v is None else f" {v}"))
        return v
    except OSError as e:
        print(f"{what}: {errno.errorcode[e.errno]}")

def mine():
    return sorted(n.replace(prefix, 'P') for n in os.listdir('/dev/shm') if n.startswith(prefix))

def fs_type(path=None, fd=None):
    buf = ctypes.create_string_buffer(120)
    rc = libc.statfs(path.encode(), buf) if path is not None else libc.fstatfs(fd, buf)
    if rc != 0:
        return errno.errorcode[ctypes.get_errno()]
    return 'tmpfs' if int.from_bytes(buf.raw[:8], 'little') == TMPFS_MAGIC else 'other'

os.umask(0o022)
st = os.stat('/dev/shm')
print('dev/shm', oct(stat.S_IMODE(st.st_mode)), stat.S_ISDIR(st.st_mode), st.st_uid, fs_type('/dev/shm'))
print('in /dev', 'shm' in os.listdir('/dev'))
print('mine at start', mine())

name = f'/{prefix}obj'
fd = r('shm_open create', _posixshmem.shm_open, name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
r('shm_open excl again', _posixshmem.shm_open, name, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
os.ftruncate(fd, 8192)
os.write(fd, b'hello shared memory')
print('pread', os.pread(fd, 19, 0))
m = mmap.mmap(fd, 8192)  # MAP_SHARED
print('mapped', bytes(m[:19]), len(m))
m.close()
fst = os.fstat(fd)
print('fstat', fst.st_size, oct(stat.S_IMODE(fst.st_mode)), stat.S_ISREG(fst.st_mode), fs_type(fd=fd))
print('dev same as dir', fst.st_dev == os.stat('/dev/shm').st_dev)
print('mine after create', mine())
fd2 = r('shm_open existing', _posixshmem.shm_open, name, os.O_RDWR, 0)
print('read via second fd', os.read(fd2, 5))
os.close(fd2)

p = f'/dev/shm/{prefix}'
r('rename in /dev/shm', os.rename, name and f'/dev/shm{name}', p + 'renamed')
r('rename to /tmp', os.rename, p + 'renamed', f'/tmp/{prefix}moved')
r('link in /dev/shm', os.link, p + 'renamed', p + 'hardlink')
print('nlink', os.stat(p + 'renamed').st_nlink)
r('link to /tmp', os.link, p + 'renamed', f'/tmp/{prefix}hardlink')
r('mkdir', os.mkdir, p + 'dir')
with open(p + 'dir/f', 'w') as f:
    f.write('in a subdirectory\n')
print('subdir file', open(p + 'dir/f').read().strip())
print('mine after changes', mine())
r('unlink hardlink', os.unlink, p + 'hardlink')
r('shm_unlink', _posixshmem.shm_unlink, f'/{prefix}renamed')
r('shm_open after unlink', _posixshmem.shm_open, f'/{prefix}renamed', os.O_RDWR, 0)
print('fd still reads', os.pread(fd, 5, 0), os.fstat(fd).st_nlink)
os.close(fd)
r('rmdir non-empty', os.rmdir, p + 'dir')
os.unlink(p + 'dir/f')
r('rmdir', os.rmdir, p + 'dir')

# sem_open (a temporary file, mmap MAP_SHARED, link to sem.NAME, unlink) then sem_unlink.
lock = multiprocessing.Lock()
print('lock', lock.acquire(block=False), lock.acquire(block=False))
lock.release()
sem = multiprocessing.Semaphore(3)
sem.acquire()
print('semaphore value', sem.get_value())
print('mine at end', mine())

{
  "targets": [
    {
      "target_name": "tsvisor_native",
      "sources": [
        "native/addon.cc",
        "native/host_dir.cc",
        "native/host_mknod.cc",
        "native/host_path.cc",
        "native/host_stat.cc",
        "native/host_statfs.cc",
        "native/host_xattr.cc",
        "native/own_rdtsc.cc",
        "native/console_socket.cc",
        "native/control_server.cc",
        "native/fd_passing.cc",
        "native/sandbox_spawn.cc",
        "native/seccomp_filter.cc",
        "native/stub_fd_channel.cc",
        "native/syscall_record.cc",
        "native/tracer.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++20", "-O2", "-Wall", "-Wextra", "-fno-exceptions"],
      "cflags_cc!": ["-fno-rtti", "-std=gnu++17", "-std=gnu++20"]
    },
    {
      "target_name": "tsvisor_stub",
      "type": "executable",
      "sources": ["native/stub/stub.c"],
      "cflags": ["-O2", "-fno-stack-protector", "-fno-pic", "-ffreestanding", "-fno-asynchronous-unwind-tables"],
      "cflags!": ["-fPIC", "-pthread"],
      "ldflags": ["-static", "-nostdlib", "-no-pie", "-Wl,-Ttext-segment=0x6fff00000000", "-Wl,--build-id=none", "-Wl,-z,noexecstack"],
      "ldflags!": ["-pthread", "-rdynamic"],
      "libraries!": ["-lpthread"]
    },
    {
      # The sandbox's vDSO (native/vdso/vdso.c): a freestanding shared object without relocations.
      "target_name": "tsvisor_vdso",
      "type": "executable",
      "product_extension": "so",
      "sources": ["native/vdso/vdso.c"],
      "cflags": ["-O2", "-fPIC", "-fno-stack-protector", "-ffreestanding", "-fno-builtin", "-Wall", "-Wextra"],
      "cflags!": ["-pthread"],
      "ldflags": ["-shared", "-nostdlib", "-Wl,-soname=linux-vdso.so.1", "-Wl,--hash-style=both", "-Wl,--build-id=none",
                  "-Wl,-z,noexecstack", "-Wl,--eh-frame-hdr", "-Wl,-T,<(module_root_dir)/native/vdso/vdso.lds",
                  "-Wl,--version-script=<(module_root_dir)/native/vdso/vdso.map"],
      "ldflags!": ["-pthread", "-rdynamic"],
      "libraries!": ["-lpthread"]
    },
    {
      "target_name": "tsvisor_runc",
      "type": "executable",
      "sources": ["native/runc/front_end.cc", "native/runc/json.cc", "native/runc/control_client.cc", "native/runc/runtime_log.cc",
                  "native/runc/exec_request.cc", "native/runc/exec_waiter.cc", "native/runc/console.cc", "native/fd_passing.cc"],
      "cflags_cc": ["-std=c++20", "-O2", "-Wall", "-Wextra", "-fno-exceptions"],
      "cflags_cc!": ["-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      # Static: the engines exec it for every call of a container's life (create, start,
      # delete, delete --force); loading libstdc++ and libc cost each ~0.7 ms of CPU more.
      "ldflags": ["-static"],
      "ldflags!": ["-rdynamic"]
    },
    {
      "target_name": "tsvisor",
      "type": "executable",
      "sources": ["native/launcher/launcher.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "cflags!": ["-pthread"],
      "ldflags!": ["-pthread", "-rdynamic"],
      "libraries!": ["-lpthread"]
    }
  ]
}

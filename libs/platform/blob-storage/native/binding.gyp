{
  "targets": [
    {
      "target_name": "blob_send",
      "sources": ["blob-send.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-lpthread"]
    }
  ]
}

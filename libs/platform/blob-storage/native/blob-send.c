/*
 * Sends a byte range of a file to a socket from a thread of its own (see send-from-thread.ts for why).
 * No library offers this to Node: its sockets are written from the one event loop only.
 *
 *   send(socketFd, fileFd, offset, length, stallMs, done(errno))
 *
 * Both descriptors are dup'ed first, so the caller may close its own at any time: the thread never
 * writes to a descriptor number that was reused. `done` gets 0 once every byte is in the socket, or
 * the errno that stopped it (ETIMEDOUT when the client read nothing for `stallMs`).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK_BYTES (1 << 20)

typedef struct {
  int socket;
  int file;
  int64_t offset;
  int64_t length;
  int32_t stall_ms;
  int error;
  napi_threadsafe_function done;
} Job;

static int send_range(Job *job, char *buffer) {
  int64_t position = job->offset, left = job->length;
  while (left > 0) {
    ssize_t got = pread(job->file, buffer, left < CHUNK_BYTES ? (size_t)left : CHUNK_BYTES, position);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno;
    if (got == 0) return EIO; /* the file is shorter than promised */
    position += got;
    left -= got;
    for (char *next = buffer; got > 0;) {
      ssize_t sent = send(job->socket, next, (size_t)got, MSG_NOSIGNAL);
      if (sent >= 0) {
        next += sent;
        got -= sent;
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return errno;
      struct pollfd writable = {job->socket, POLLOUT, 0};
      int ready = poll(&writable, 1, job->stall_ms);
      if (ready == 0) return ETIMEDOUT;
      if (ready < 0 && errno != EINTR) return errno;
    }
  }
  return 0;
}

static void *run(void *data) {
  Job *job = data;
  char *buffer = malloc(CHUNK_BYTES);
  job->error = buffer ? send_range(job, buffer) : ENOMEM;
  free(buffer);
  close(job->socket);
  close(job->file);
  /* The job is freed by the callback: keep the handle, not the job. */
  napi_threadsafe_function done = job->done;
  napi_call_threadsafe_function(done, job, napi_tsfn_blocking);
  napi_release_threadsafe_function(done, napi_tsfn_release);
  return NULL;
}

static void call_done(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  Job *job = data;
  if (env != NULL) {
    napi_value undefined, error;
    napi_get_undefined(env, &undefined);
    napi_create_int32(env, job->error, &error);
    napi_call_function(env, undefined, callback, 1, &error, NULL);
  }
  free(job);
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value Send(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 6) return fail(env, "send(socketFd, fileFd, offset, length, stallMs, done) takes six arguments");
  int32_t socket_fd, file_fd, stall_ms;
  int64_t offset, length;
  if (napi_get_value_int32(env, argv[0], &socket_fd) != napi_ok || napi_get_value_int32(env, argv[1], &file_fd) != napi_ok ||
      napi_get_value_int64(env, argv[2], &offset) != napi_ok || napi_get_value_int64(env, argv[3], &length) != napi_ok ||
      napi_get_value_int32(env, argv[4], &stall_ms) != napi_ok || offset < 0 || length < 0 || stall_ms <= 0)
    return fail(env, "send: descriptors, offset and length must be integers, stallMs positive");
  Job *job = calloc(1, sizeof *job);
  if (job == NULL) return fail(env, "send: out of memory");
  job->offset = offset;
  job->length = length;
  job->stall_ms = stall_ms;
  job->socket = dup(socket_fd);
  job->file = dup(file_fd);
  napi_value name;
  napi_create_string_utf8(env, "blob-send", NAPI_AUTO_LENGTH, &name);
  pthread_t thread;
  if (job->socket < 0 || job->file < 0 ||
      napi_create_threadsafe_function(env, argv[5], NULL, name, 0, 1, NULL, NULL, NULL, call_done, &job->done) != napi_ok) {
    if (job->socket >= 0) close(job->socket);
    if (job->file >= 0) close(job->file);
    free(job);
    return fail(env, "send: cannot take the descriptors");
  }
  if (pthread_create(&thread, NULL, run, job) != 0) {
    close(job->socket);
    close(job->file);
    napi_release_threadsafe_function(job->done, napi_tsfn_abort);
    free(job);
    return fail(env, "send: cannot start a thread");
  }
  pthread_detach(thread);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_value send;
  napi_create_function(env, "send", NAPI_AUTO_LENGTH, Send, NULL, &send);
  napi_set_named_property(env, exports, "send", send);
  return exports;
}

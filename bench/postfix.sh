# Shared by the bench scripts (source it): Postfix's smtp-sink and smtp-source, fetched, not installed:
# `apt-get download postfix` and `dpkg -x` into $POSTFIX_DIR (default /tmp/notices-postfix); its tools run with
# LD_LIBRARY_PATH pointing at its private libraries.
#
#   postfix_fetch                      sets $sink and $source (paths), exports LD_LIBRARY_PATH
#   postfix_sink_start PORT [ARGS...]  starts smtp-sink on 127.0.0.1:PORT in the background, sets $sink_pid, waits
#                                      until it accepts connections
#   free_port                          prints a free loopback TCP port

postfix_fetch() {
  local postfix=${POSTFIX_DIR:-/tmp/notices-postfix}
  if [ ! -x "$postfix/usr/sbin/smtp-sink" ]; then
    mkdir -p "$postfix/deb"
    (cd "$postfix/deb" && apt-get download postfix >/dev/null)
    dpkg -x "$postfix"/deb/postfix_*.deb "$postfix"
  fi
  export LD_LIBRARY_PATH="$postfix/usr/lib/postfix${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  sink="$postfix/usr/sbin/smtp-sink"
  source="$postfix/usr/sbin/smtp-source"
}

postfix_sink_start() {
  local port=$1; shift
  # -u: smtp-sink drops root privileges to this user.
  local user; user=$(id -un); [ "$user" = root ] && user=nobody
  "$sink" -u "$user" "$@" 127.0.0.1:"$port" 256 &
  sink_pid=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return 0; sleep 0.1; done
  echo "smtp-sink did not start on port $port" >&2
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

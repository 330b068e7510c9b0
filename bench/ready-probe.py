#!/usr/bin/env python3
"""When a node (or a bare Karaf) answers, for bench/footprint.sh.

Usage: ready-probe.py <t0 epoch seconds> <timeout s> node <http port> <mqtt port> <token file>
       ready-probe.py <t0 epoch seconds> <timeout s> karaf <ssh port>
       ready-probe.py <t0 epoch seconds> <timeout s> http <http port>

Polls every 20 ms and prints the seconds from t0 to each readiness mark, then exits:
  node:  "rest <s> mqtt <s>"   REST: GET /api/v1/status with the node's token answers 200;
                               MQTT: an MQTT 3.1.1 CONNECT to the embedded broker is answered by a
                               CONNACK that accepts it (return code 0)
  karaf: "ssh <s>"             the console's SSH server sends its identification line (SSH-2.0-...)
  http:  "http <s>"            the HTTP server answers GET / with any status (a Karaf with the REST
                               API's stack but no node: Jetty and the whiteboard up, nothing served)
Prints "timeout" for a mark not reached. Loopback only.
"""
import socket
import sys
import time
import urllib.error
import urllib.request

HOST = "127.0.0.1"


def rest_ready(port, token_file):
    try:
        with open(token_file) as f:
            token = f.read().strip()
    except OSError:
        return False
    request = urllib.request.Request(f"http://{HOST}:{port}/api/v1/status",
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=1) as answer:
            return answer.status == 200
    except Exception:
        return False


def mqtt_ready(port):
    client_id = b"karedge-ready-probe"
    variable = b"\x00\x04MQTT\x04\x02\x00\x3c"  # MQTT 3.1.1, clean session, keep-alive 60 s
    payload = len(client_id).to_bytes(2, "big") + client_id
    body = variable + payload
    packet = bytes([0x10, len(body)]) + body
    try:
        with socket.create_connection((HOST, port), timeout=1) as s:
            s.sendall(packet)
            answer = s.recv(4)
            ok = len(answer) == 4 and answer[0] == 0x20 and answer[3] == 0
            if ok:
                s.sendall(b"\xe0\x00")  # DISCONNECT
            return ok
    except OSError:
        return False


def http_ready(port):
    request = urllib.request.Request(f"http://{HOST}:{port}/")
    try:
        with urllib.request.urlopen(request, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True
    except Exception:
        return False


def ssh_ready(port):
    try:
        with socket.create_connection((HOST, port), timeout=1) as s:
            return s.recv(8).startswith(b"SSH-")
    except OSError:
        return False


def main():
    t0 = float(sys.argv[1])
    deadline = time.time() + float(sys.argv[2])
    kind = sys.argv[3]
    if kind == "node":
        http, mqtt, token = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
        marks = {"rest": lambda: rest_ready(http, token), "mqtt": lambda: mqtt_ready(mqtt)}
    elif kind == "http":
        http = int(sys.argv[4])
        marks = {"http": lambda: http_ready(http)}
    else:
        ssh = int(sys.argv[4])
        marks = {"ssh": lambda: ssh_ready(ssh)}
    reached = {}
    while len(reached) < len(marks) and time.time() < deadline:
        for name, probe in marks.items():
            if name not in reached and probe():
                reached[name] = time.time() - t0
        time.sleep(0.02)
    print(" ".join(f"{name} {reached[name]:.2f}" if name in reached else f"{name} timeout" for name in marks))


if __name__ == "__main__":
    main()

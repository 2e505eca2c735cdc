#!/usr/bin/env bash
# Waits until something accepts connections on 127.0.0.1:$1 (Tether has started), for at most 30 s.
for _ in $(seq 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
        exit 0
    fi
    sleep 0.1
done
echo "nothing listens on 127.0.0.1:$1 after 30 s" >&2
exit 1

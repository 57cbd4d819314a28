#!/bin/bash
# Under continuous load: kntsd restarted, SIGKILLed and started again, and
# rotating keys: knts.ko keeps answering every valid request (its keys stay,
# kntsd puts the same ones back), no splat; then rmmod/modprobe under load
# with kntsd re-pushing the keys by itself.
. "$(dirname "$0")/lib.sh"

load=$top/build/bench/ntsload
[ -x "$load" ] || fail "build/bench/ntsload missing (make -C tests/bench)"
knts_load
d=$(cert_dir)
kntsd_conf "$d" "kntslocal stratum 2" "kntsstatusinterval 1"
trap 'kntsd_stop "$d"; knts_unload_quiet' EXIT
kntsd_start "$d"
cp "$d/dump/ntskeys" "$d/flood.keys"

# Paced for 6 s, so the restarts below fall inside it on any machine; a
# thousand requests a second is load enough, and leaves the other guest of
# make check its share of the CPU.
"$load" -s 127.0.0.1 --keys "$d/flood.keys" -r 1000 -d 6 -w 16 > "$d/f1.json" &
fp=$!
sleep 1
kntsd_stop "$d"
kntsd_start "$d"
kntsd_stop "$d" KILL
kntsd_start "$d"
wait $fp || fail "ntsload failed"
cat "$d/f1.json"
expect_eq "replies lost while kntsd restarted" \
	"$(json_get "$(cat "$d/f1.json")" 'j["sent"] - j["valid"]')" 0

# Rotation under load: cookies under the key that was current stay valid
# for two rotations; the flood's cookies are all under it.
kntsd_stop "$d"
kntsd_conf "$d" "kntslocal stratum 2" "kntsstatusinterval 1" "ntsrotate 3"
kntsd_start "$d"
cp "$d/dump/ntskeys" "$d/flood.keys"
# Paced for 10 s: the flood outlasts the first 3 s rotation however fast
# the guest answers; the test waits for the rotation, not for a time.
"$load" -s 127.0.0.1 --keys "$d/flood.keys" -r 1000 -d 10 -w 16 > "$d/f2.json" &
fp=$!
wait_for 60 "a key rotation" grep -q "master keys rotated" "$d/kntsd.log"
kill -0 $fp 2>/dev/null || fail "the flood ended before the first rotation"
wait $fp || fail "ntsload failed"
cat "$d/f2.json"
# NAKs only once the flood outlives its key (two rotations); nothing lost.
expect_eq "rotation under load lost replies" \
	"$(json_get "$(cat "$d/f2.json")" 'j["invalid"] + j["unanswered"]')" 0

# rmmod/modprobe under load: service resumes, keys come back by themselves.
cp "$d/dump/ntskeys" "$d/flood.keys"
"$load" -s 127.0.0.1 --keys "$d/flood.keys" -r 1000 -d 4 -w 16 > "$d/f3.json" &
fp=$!
sleep 1
rmmod knts
modprobe knts
wait $fp || true
cat "$d/f3.json"
wait_for 60 "kntsd to put the keys back" keys_loaded 4
cp "$d/dump/ntskeys" "$d/flood.keys"
out=$("$load" -s 127.0.0.1 --keys "$d/flood.keys" -d 120 -n 2000 -w 16) || fail "ntsload"
expect_eq "serving after rmmod/modprobe" "$(json_get "$out" 'j["valid"]')" 2000

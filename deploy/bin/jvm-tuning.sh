# Sourced by the launcher (and the benchmarks' hand-written peer, to run as a job does): the JIT
# and collector flags of a local job, as the array JVM_TUNING.
# A local job's JVM lives for seconds to minutes, and at laptop scale most of its CPU went to the
# JIT: 152 s of compiler threads in a 133 s demo on 2 cores, 122 s of them optimizing (C2) code
# that then ran a few times. Only code much hotter than HotSpot's default thresholds is worth
# that here; the parallel collector also costs less CPU than G1's concurrent work. Demo: 133 s
# -> 115 s with the thresholds -> 108 s with the collector. (Same flags as the tests' argLine.)
JVM_TUNING=(
  -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000
  -XX:Tier4CompileThreshold=100000 -XX:Tier4BackEdgeThreshold=400000
)
# The JVM refuses two collectors, so a collector chosen in MEDALLION_JAVA_OPTS replaces this one.
if [[ "${MEDALLION_JAVA_OPTS:-}" != *-XX:+Use*GC* ]]; then
  JVM_TUNING+=(-XX:+UseParallelGC)
fi


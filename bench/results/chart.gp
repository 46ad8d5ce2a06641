set terminal pngcairo size 1560,480 font 'sans,10'
set output '/work/wt-sig1/bench/results/chart.png'
set multiplot layout 1,3 title 'req/s vs body size (log-log), Intel(R) Xeon(R) Processor, 2 cores; wrk on 127.0.0.1' font ',11'
set logscale xy
set xtics ('200 B' 200, '16 KB' 16384, '1 MB' 1048576)
set xrange [120:1800000]
set grid
set key bottom left font ',9'
set ylabel 'requests/s (fsync loop: files/s)'
set title '1 FastCGI process(es) / Express worker(s)'
plot '/work/wt-sig1/bench/results/chart-1.dat' u 1:2 w lp lw 2 pt 7 lc rgb '#000000' t 'floor (empty FastCGI)', '' u 1:3 w lp lw 2 pt 5 lc rgb '#1a9850' t 'hookspool, durable=false', '' u 1:4 w lp lw 2 pt 9 lc rgb '#2166ac' t 'hookspool, durable=true', '' u 1:5 w lp lw 2 dt 2 pt 4 lc rgb '#f46d43' t 'Express, no fsync', '' u 1:6 w lp lw 2 dt 2 pt 8 lc rgb '#b2182b' t 'Express, fsync', '' u 1:7 w lp lw 1 dt 3 pt 1 lc rgb '#777777' t 'fsync loop (durable limit)'
set title '2 FastCGI process(es) / Express worker(s)'
plot '/work/wt-sig1/bench/results/chart-2.dat' u 1:2 w lp lw 2 pt 7 lc rgb '#000000' t 'floor (empty FastCGI)', '' u 1:3 w lp lw 2 pt 5 lc rgb '#1a9850' t 'hookspool, durable=false', '' u 1:4 w lp lw 2 pt 9 lc rgb '#2166ac' t 'hookspool, durable=true', '' u 1:5 w lp lw 2 dt 2 pt 4 lc rgb '#f46d43' t 'Express, no fsync', '' u 1:6 w lp lw 2 dt 2 pt 8 lc rgb '#b2182b' t 'Express, fsync', '' u 1:7 w lp lw 1 dt 3 pt 1 lc rgb '#777777' t 'fsync loop (durable limit)'
set title '4 FastCGI process(es) / Express worker(s)'
plot '/work/wt-sig1/bench/results/chart-4.dat' u 1:2 w lp lw 2 pt 7 lc rgb '#000000' t 'floor (empty FastCGI)', '' u 1:3 w lp lw 2 pt 5 lc rgb '#1a9850' t 'hookspool, durable=false', '' u 1:4 w lp lw 2 pt 9 lc rgb '#2166ac' t 'hookspool, durable=true', '' u 1:5 w lp lw 2 dt 2 pt 4 lc rgb '#f46d43' t 'Express, no fsync', '' u 1:6 w lp lw 2 dt 2 pt 8 lc rgb '#b2182b' t 'Express, fsync', '' u 1:7 w lp lw 1 dt 3 pt 1 lc rgb '#777777' t 'fsync loop (durable limit)'
unset multiplot

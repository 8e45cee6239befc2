//! Wall time of a run against its steps, as line charts hand it to the theme's script (which
//! draws any chart against wall time): a few points that linear interpolation between them turns
//! back into the run's clock.

/// A run's wall time at some of its steps, in seconds since the run started; the script
/// interpolates between them. See [`WallClock::simplified`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WallClock {
    pub points: Vec<(i64, f64)>,
}

impl WallClock {
    /// The clock with the points that linear interpolation can do without dropped: wall time
    /// grows almost linearly with steps, so a few points describe a long run to within
    /// `tolerance` seconds, while pauses and slow stretches keep their corners.
    /// (Ramer–Douglas–Peucker, iterative so that no run can exhaust the stack.)
    pub fn simplified(points: &[(i64, f64)], tolerance: f64) -> WallClock {
        if points.len() <= 2 {
            return WallClock {
                points: points.to_vec(),
            };
        }
        let mut keep = vec![false; points.len()];
        keep[0] = true;
        keep[points.len() - 1] = true;
        let mut stack = vec![(0, points.len() - 1)];
        while let Some((a, b)) = stack.pop() {
            let (sa, ta) = points[a];
            let (sb, tb) = points[b];
            let mut worst = (0.0, a);
            for (i, &(s, t)) in points.iter().enumerate().take(b).skip(a + 1) {
                let expected = if sb == sa {
                    ta
                } else {
                    ta + (tb - ta) * (s - sa) as f64 / (sb - sa) as f64
                };
                let off = (t - expected).abs();
                if off > worst.0 {
                    worst = (off, i);
                }
            }
            if worst.0 > tolerance {
                keep[worst.1] = true;
                stack.push((a, worst.1));
                stack.push((worst.1, b));
            }
        }
        WallClock {
            points: points
                .iter()
                .zip(keep)
                .filter_map(|(p, k)| k.then_some(*p))
                .collect(),
        }
    }
}

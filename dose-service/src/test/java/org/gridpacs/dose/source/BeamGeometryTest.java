package org.gridpacs.dose.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.gridpacs.dose.engine.Calibration;
import org.gridpacs.dose.physics.Rng;
import org.junit.jupiter.api.Test;

/** IEC 61217 angles and patient positions in DICOM patient axes (+x left, +y posterior, +z head). */
class BeamGeometryTest {
    private static final double EPS = 1e-12;

    private static Beam beam(double gantry, double collimator, double couch, PatientPosition position) {
        return new Beam(Beam.Kind.MV6, 1, gantry, collimator, 0, 0, 0, -5, 5, -5, 5, 100, couch, position, null);
    }

    /** Unit vector from the isocentre to the source. */
    private static double[] towardsSource(Beam b) {
        double[] s = b.sourcePosition();
        return new double[] {s[0] / 100, s[1] / 100, s[2] / 100};
    }

    @Test
    void headFirstSupine() {
        assertArrayEquals(new double[] {0, -1, 0}, towardsSource(beam(0, 0, 0, PatientPosition.HFS)), EPS); // anterior
        assertArrayEquals(new double[] {1, 0, 0}, towardsSource(beam(90, 0, 0, PatientPosition.HFS)), EPS); // left
        assertArrayEquals(new double[] {0, 1, 0}, towardsSource(beam(180, 0, 0, PatientPosition.HFS)), EPS);
        assertArrayEquals(new double[] {-1, 0, 0}, towardsSource(beam(270, 0, 0, PatientPosition.HFS)), EPS);
        // the old HFS-only formula: source at iso + SAD (sin g, -cos g, 0)
        double g = Math.toRadians(33);
        assertArrayEquals(new double[] {Math.sin(g), -Math.cos(g), 0}, towardsSource(beam(33, 10, 0, PatientPosition.HFS)), EPS);
    }

    @Test
    void proneFlipsAndFeetFirstMirrors() {
        assertArrayEquals(new double[] {-1, 0, 0}, towardsSource(beam(90, 0, 0, PatientPosition.HFP)), EPS);
        assertArrayEquals(new double[] {0, 1, 0}, towardsSource(beam(0, 0, 0, PatientPosition.HFP)), EPS); // posterior
        assertArrayEquals(new double[] {-1, 0, 0}, towardsSource(beam(90, 0, 0, PatientPosition.FFS)), EPS);
        assertArrayEquals(new double[] {0, -1, 0}, towardsSource(beam(0, 0, 0, PatientPosition.FFS)), EPS);
        assertArrayEquals(new double[] {1, 0, 0}, towardsSource(beam(90, 0, 0, PatientPosition.FFP)), EPS);
        assertArrayEquals(new double[] {0, 1, 0}, towardsSource(beam(0, 0, 0, PatientPosition.FFP)), EPS);
    }

    @Test
    void couchTurnsTheLateralBeamIntoTheHeadFootAxis() {
        // couch 90 (counter-clockwise seen from above): the head swings to the observer's left, so a gantry 90
        // source (observer's right) is at the feet; couch 270 puts it at the head
        assertArrayEquals(new double[] {0, 0, -1}, towardsSource(beam(90, 0, 90, PatientPosition.HFS)), EPS);
        assertArrayEquals(new double[] {0, 0, 1}, towardsSource(beam(90, 0, 270, PatientPosition.HFS)), EPS);
        assertArrayEquals(new double[] {0, 0, 1}, towardsSource(beam(90, 0, 90, PatientPosition.FFS)), EPS);
        // a vertical beam stays vertical; its collimator X axis turns with the couch
        Beam b = beam(0, 0, 90, PatientPosition.HFS);
        assertArrayEquals(new double[] {0, -1, 0}, towardsSource(b), EPS);
        assertArrayEquals(new double[] {0, 0, -1}, Iec61217.axes(0, 0, 90, PatientPosition.HFS)[1], EPS);
        // gantry 45 couch 90: the beam axis stays in the x-z plane... of the rotated lateral part only
        double[] s = towardsSource(beam(45, 0, 90, PatientPosition.HFS));
        assertEquals(0, s[0], EPS);
        assertEquals(-Math.sqrt(0.5), s[1], EPS);
        assertEquals(-Math.sqrt(0.5), s[2], EPS);
    }

    @Test
    void collimatorTurnsTheJawAxesAboutTheBeam() {
        double[][] a = Iec61217.axes(0, 0, 0, PatientPosition.HFS);
        assertArrayEquals(new double[] {1, 0, 0}, a[1], EPS); // X jaws along patient x
        assertArrayEquals(new double[] {0, 0, 1}, a[2], EPS); // Y jaws along patient z (Y2 towards the head)
        double[][] c = Iec61217.axes(0, 90, 0, PatientPosition.HFS);
        assertArrayEquals(new double[] {0, 0, 1}, c[1], EPS);
        assertArrayEquals(new double[] {-1, 0, 0}, c[2], EPS);
    }

    /** For any angles and position: orthonormal, and X x Y points at the source (a right-handed beam system). */
    @Test
    void axesAreAlwaysARightHandedOrthonormalFrame() {
        Random r = new Random(5);
        for (int i = 0; i < 500; i++) {
            PatientPosition p = PatientPosition.values()[r.nextInt(4)];
            double[][] a = Iec61217.axes(360 * r.nextDouble(), 360 * r.nextDouble(), 360 * r.nextDouble(), p);
            for (int j = 0; j < 3; j++) {
                assertEquals(1, dot(a[j], a[j]), 1e-12);
                for (int k = j + 1; k < 3; k++) {
                    assertEquals(0, dot(a[j], a[k]), 1e-12);
                }
            }
            double[] x = cross(a[1], a[2]);
            for (int k = 0; k < 3; k++) {
                assertEquals(-a[0][k], x[k], 1e-12);
            }
        }
    }

    @Test
    void emittedPhotonsCrossTheIsocentrePlaneInsideTheMlcOpening() {
        // pairs 1 cm wide from y -2 to 2; pair 2 closed, pair 3 open -1..4 (clipped by the jaws at 3)
        Mlc mlc = new Mlc(new double[] {-2, -1, 0, 1, 2}, new double[] {-3, 0, -1, -2}, new double[] {3, 0, 4, -1});
        Beam b = new Beam(Beam.Kind.MV6, 1, 90, 30, 1, 2, 3, -4, 3, -1.5, 2, 100, 20, PatientPosition.FFS, mlc);
        double[][] a = Iec61217.axes(90, 30, 20, PatientPosition.FFS);
        BeamSource s = new BeamSource(b);
        Rng rng = new Rng(1, 2);
        double[] p = new double[8];
        double[] count = new double[4];
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            s.emit(rng, p);
            // where the ray meets the isocentre plane, in collimator coordinates
            double along = dot(new double[] {p[5], p[6], p[7]}, a[0]);
            double t = 100 / along;
            double[] q = {p[2] + t * p[5] - 1, p[3] + t * p[6] - 2, p[4] + t * p[7] - 3};
            double x = dot(q, a[1]);
            double y = dot(q, a[2]);
            int pair = (int) Math.floor(y + 2);
            assertTrue(pair >= 0 && pair < 4 && y >= -1.5 - 1e-9 && y <= 2 + 1e-9, "y " + y);
            double lo = Math.max(mlc.bankA()[pair], -4);
            double hi = Math.min(mlc.bankB()[pair], 3);
            assertTrue(x >= lo - 1e-9 && x <= hi + 1e-9, "x " + x + " outside pair " + pair);
            count[pair]++;
        }
        assertEquals(0, count[1]);
        // shares follow the open solid angles (near the axis, the areas): 6 x 0.5, 0, 4 x 1, 1 x 1 of 8 cm^2
        double total = b.aperture().solidAngle();
        double[][] rects = b.aperture().rectangles();
        assertEquals(3, rects.length);
        int[] pairOf = {0, 2, 3};
        for (int k = 0; k < 3; k++) {
            double expected = Aperture.solidAngle(rects[k], 100) / total;
            double sigma = Math.sqrt(expected * (1 - expected) / n);
            assertEquals(expected, count[pairOf[k]] / n, 4 * sigma, "pair " + pairOf[k]);
        }
        assertEquals(8.0 / 10000, total, 1e-6); // small field: solid angle ~ area / SAD^2
    }

    @Test
    void solidAngleOfAnOpenMlcIsThatOfTheJaws() {
        Beam jaws = new Beam(Beam.Kind.MV6, 1, 0, 0, 0, 0, 0, -5, 5, -5, 5, 100);
        Mlc open = new Mlc(new double[] {-20, 0, 20}, new double[] {-20, -20}, new double[] {20, 20});
        Beam withMlc = new Beam(Beam.Kind.MV6, 1, 0, 0, 0, 0, 0, -5, 5, -5, 5, 100, 0, PatientPosition.HFS, open);
        assertEquals(Calibration.solidAngle(jaws), Calibration.solidAngle(withMlc), 1e-15);
        Mlc closed = new Mlc(new double[] {-20, 0, 20}, new double[] {1, 1}, new double[] {1, 1});
        Beam shut = new Beam(Beam.Kind.MV6, 1, 0, 0, 0, 0, 0, -5, 5, -5, 5, 100, 0, PatientPosition.HFS, closed);
        assertTrue(shut.aperture().isClosed());
        assertEquals(0, Calibration.solidAngle(shut));
        assertThrows(IllegalArgumentException.class, () -> new BeamSource(shut));
        assertThrows(IllegalArgumentException.class, () -> new Mlc(new double[] {0, 1}, new double[] {2}, new double[] {1}));
    }

    @Test
    void beamChoiceFollowsTheWeightsAndSkipsEmptyBeams() {
        int n = 300;
        Beam[] beams = new Beam[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            beams[i] = beam(i, 0, 0, PatientPosition.HFS); // gantry i degrees identifies the beam
            w[i] = i % 3 == 1 ? 0 : 1 + i % 7;
        }
        double sum = 0;
        for (double x : w) {
            sum += x;
        }
        BeamSource s = new BeamSource(beams, w);
        Rng rng = new Rng(3, 4);
        double[] p = new double[8];
        int[] count = new int[n];
        int histories = 400_000;
        for (int h = 0; h < histories; h++) {
            s.emit(rng, p);
            double[] src = {p[2], p[3], p[4]};
            int g = (int) Math.round(Math.toDegrees(Math.atan2(src[0], -src[1])));
            count[(g + 360) % 360]++;
        }
        for (int i = 0; i < n; i++) {
            double expected = histories * w[i] / sum;
            assertEquals(expected, count[i], 5 * Math.sqrt(expected) + 1e-9, "beam " + i);
        }
        assertEquals(0, BeamSource.pick(new double[] {0.5, 0.5, 1}, 0.2));
        assertEquals(2, BeamSource.pick(new double[] {0.5, 0.5, 1}, 0.5));
        assertEquals(2, BeamSource.pick(new double[] {0.5, 0.5, 1}, 0.9999));
    }

    /** Jaw-only beams emit exactly the photons of the engine before couch, positions and MLCs (same bits, same draws). */
    @Test
    void jawOnlyHeadFirstSupineBeamsEmitExactlyAsBefore() {
        Random r = new Random(9);
        for (int trial = 0; trial < 20; trial++) {
            int n = 1 + r.nextInt(4);
            Beam[] beams = new Beam[n];
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                double x1 = -1 - 9 * r.nextDouble();
                double y1 = -1 - 9 * r.nextDouble();
                beams[i] = new Beam(r.nextBoolean() ? Beam.Kind.MV6 : Beam.Kind.CO60, 1, 360 * r.nextDouble(),
                        r.nextInt(4) == 0 ? 0 : 360 * r.nextDouble(), 10 * r.nextDouble(), 10 * r.nextDouble(),
                        r.nextDouble(), x1, x1 + 1 + 10 * r.nextDouble(), y1, y1 + 1 + 10 * r.nextDouble(),
                        80 + 20 * r.nextInt(2));
                w[i] = 1 + r.nextDouble();
            }
            BeamSource now = new BeamSource(beams, w);
            Spectrum[] spectra = new Spectrum[n];
            for (int i = 0; i < n; i++) {
                spectra[i] = beams[i].kind().spectrum();
            }
            Rng a = new Rng(trial, 1);
            Rng b = new Rng(trial, 1);
            double[] p = new double[8];
            double[] q = new double[8];
            for (int h = 0; h < 5_000; h++) {
                now.emit(a, p);
                oldEmit(beams, spectra, w, b, q);
                for (int k = 0; k < 8; k++) {
                    // the same bits, except that a zero may have the other sign (it never reaches a division)
                    assertEquals(q[k], p[k], 0.0, "trial " + trial + " history " + h);
                }
            }
        }
    }

    /** The emission of the engine's first BeamSource (HFS, couch 0, jaws only), kept as the reference. */
    private static void oldEmit(Beam[] beams, Spectrum[] spectra, double[] photons, Rng rng, double[] p) {
        int n = beams.length;
        double[] cumulative = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += photons[i];
            cumulative[i] = s;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= s;
        }
        int b = 0;
        if (n > 1) {
            double r = rng.uniform();
            while (b < n - 1 && cumulative[b] <= r) {
                b++;
            }
        }
        Beam beam = beams[b];
        double g = Math.toRadians(beam.gantryDeg());
        double c = Math.toRadians(beam.collimatorDeg());
        double[] d = {-Math.sin(g), Math.cos(g), 0};
        double[] ex0 = {Math.cos(g), Math.sin(g), 0};
        double[] ey0 = {0, 0, 1};
        double[] ex = new double[3];
        double[] ey = new double[3];
        for (int k = 0; k < 3; k++) {
            ex[k] = Math.cos(c) * ex0[k] + Math.sin(c) * ey0[k];
            ey[k] = -Math.sin(c) * ex0[k] + Math.cos(c) * ey0[k];
        }
        double[] src = {beam.isoX() - beam.sad() * d[0], beam.isoY() - beam.sad() * d[1], beam.isoZ() - beam.sad() * d[2]};
        double l = beam.sad();
        double a;
        double cc;
        double len;
        while (true) {
            a = beam.x1() + (beam.x2() - beam.x1()) * rng.uniform();
            cc = beam.y1() + (beam.y2() - beam.y1()) * rng.uniform();
            len = Math.sqrt(l * l + a * a + cc * cc);
            double cos = l / len;
            if (rng.uniform() <= cos * cos * cos) {
                break;
            }
        }
        double inv = 1 / len;
        p[0] = Source.PHOTON;
        p[1] = spectra[b].sample(rng);
        p[2] = src[0];
        p[3] = src[1];
        p[4] = src[2];
        p[5] = (l * d[0] + a * ex[0] + cc * ey[0]) * inv;
        p[6] = (l * d[1] + a * ex[1] + cc * ey[1]) * inv;
        p[7] = (l * d[2] + a * ex[2] + cc * ey[2]) * inv;
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }
}

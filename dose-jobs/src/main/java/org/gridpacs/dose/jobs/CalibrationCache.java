package org.gridpacs.dose.jobs;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.gridpacs.dose.engine.Calibration;
import org.gridpacs.dose.engine.DoseEngine;
import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.source.Beam;

/**
 * Calibrations kept for the service's life, one per set of beam kinds and physics settings: a calibration costs
 * seconds of simulation and depends on nothing else, so jobs after the first skip it.
 */
final class CalibrationCache {
    private record Key(Set<Beam.Kind> kinds, double photonCut, double electronCut, double stepFraction, double wcc) {
    }

    private final DoseEngine engine;
    private final Map<Key, Calibration> cache = new HashMap<>();

    CalibrationCache(DoseEngine engine) {
        this.engine = engine;
    }

    synchronized Calibration get(List<Beam> beams, DoseSettings s) {
        Set<Beam.Kind> kinds = EnumSet.noneOf(Beam.Kind.class);
        beams.forEach(b -> kinds.add(b.kind()));
        Key key = new Key(kinds, s.photonCut(), s.electronCut(), s.stepFraction(), s.wcc());
        return cache.computeIfAbsent(key, k -> engine.calibrate(beams, s));
    }
}

package org.gridpacs.gateway.node;

import java.io.IOException;
import java.nio.file.Path;

import org.gridpacs.dose.engine.BatchExecutors;
import org.gridpacs.dose.jobs.DoseCalculation;
import org.gridpacs.dose.jobs.DoseJobsConfig;

/**
 * How a node runs its dose service: the settings ({@code conf/dose.properties}), the folder of the HU calibration
 * tables ({@code conf/dose}), and where its batches run.
 *
 * @param huDir       folder of the HU calibration tables, null for the built-in copies
 * @param grid        the compute grid the service runs batches on (it falls back to a local pool of
 *                    {@code dose.threads} threads when the grid has no worker); null for the local pool alone. The
 *                    service closes what it gets.
 * @param calculation null for the product's Monte Carlo calculation; tests of the job machinery put a quick one here
 */
public record DoseSetup(DoseJobsConfig config, Path huDir, BatchExecutors grid,
                        DoseCalculation calculation) {

    /** The defaults: the service on, the built-in tables, a local pool. */
    public static DoseSetup defaults() {
        return new DoseSetup(DoseJobsConfig.DEFAULTS, null, null, null);
    }

    /** From an installation's conf folder: dose.properties (defaults when absent) and dose/ for the HU tables. */
    public static DoseSetup load(Path confDir) throws IOException {
        return new DoseSetup(DoseJobsConfig.load(confDir.resolve("dose.properties")), confDir.resolve("dose"), null,
                null);
    }

    /** The same with a calculation of the caller's (tests). */
    public DoseSetup withCalculation(DoseCalculation c) {
        return new DoseSetup(config, huDir, grid, c);
    }

    /** The same on a compute grid. */
    public DoseSetup withGrid(BatchExecutors g) {
        return new DoseSetup(config, huDir, g, calculation);
    }

    /** The same with other settings. */
    public DoseSetup withConfig(DoseJobsConfig c) {
        return new DoseSetup(c, huDir, grid, calculation);
    }
}

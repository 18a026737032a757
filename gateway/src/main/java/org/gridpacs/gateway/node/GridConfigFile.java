package org.gridpacs.gateway.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.grid.GridSettings;

/**
 * {@code conf/grid.properties}: the grid tier ({@link GridSettings}). No file, no grid (a node configured by a file
 * of its own, a test). Relative paths in it are resolved against the run folder: the data folder of a node alone,
 * the cluster's run folder (the parent of each member's data folder) for a member, where scripts/run keeps
 * {@code grid/} (the s3proxy's data, credential and the key ring).
 */
public final class GridConfigFile {
    public static final String NAME = "grid.properties";

    private GridConfigFile() {
    }

    public static GridSettings load(Path confDir, Path runFolder) throws IOException {
        Path file = confDir.resolve(NAME);
        if (!Files.exists(file)) {
            return GridSettings.OFF;
        }
        try {
            return GridSettings.fromProperties(Settings.load(file), runFolder.toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}

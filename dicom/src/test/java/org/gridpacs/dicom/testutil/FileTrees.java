package org.gridpacs.dicom.testutil;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The files under a folder that a running node is changing: a file or folder removed while it is walked (a copy
 * dropped, a temporary file renamed) is left out instead of failing the walk, as {@link Files#walk} would.
 */
public final class FileTrees {
    private FileTrees() {
    }

    /** The regular files under {@code root} (none if it does not exist), in path order. */
    public static List<Path> files(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // gone while we looked
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) {
                    throw e;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }

    /** As {@link #files}, without the hidden ones (a storage's temporary files start with a dot). */
    public static List<Path> visibleFiles(Path root) throws IOException {
        return files(root).stream().filter(f -> !f.getFileName().toString().startsWith(".")).toList();
    }
}

package org.gridpacs.web.viewer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OHIF viewer (a single-page web app laid out by {@code scripts/fetch-viewer}) served from a folder at the root
 * of the user connector, the origin of {@code /dicom-web} too ({@link ViewerFiles} says how).
 * <p>
 * Mount it on the path spec {@value #ROUTE}: Jetty's default mapping, chosen only when no other route matches, so
 * it never shadows {@code /dicom-web/*}, {@code /wado} or {@code /health}. It holds a context handler of path "/"
 * because Jetty's resource service needs a context, which routes of NodeHttpServer have not.
 */
public final class ViewerHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(ViewerHandler.class);
    /** The @ohif/app version pinned in web-viewer/ohif/package.json (a test checks they agree). */
    public static final String OHIF_VERSION = "3.12.10";
    /** Jetty's default path spec: what no other route takes. */
    public static final String ROUTE = "/";
    /** Path prefixes of the node's other endpoints: an unknown path below them is a 404, never the app. */
    public static final List<String> NOT_VIEWER =
            List.of("/dicom-web", "/wado", "/dose", "/health", "/api", "/peer", "/admin");

    private final Path folder;

    private ViewerHandler(Path folder) {
        super(new ContextHandler(new ViewerFiles(folder), "/"));
        this.folder = folder;
    }

    /** Serves {@code folder}; IllegalArgumentException naming it when it holds no {@code index.html}. */
    public static ViewerHandler of(Path folder) {
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("the viewer folder " + folder + " does not exist (make it with "
                    + "scripts/fetch-viewer)");
        }
        if (!Files.isRegularFile(real.resolve("index.html"))) {
            throw new IllegalArgumentException("the viewer folder " + folder + " has no index.html (make it with "
                    + "scripts/fetch-viewer)");
        }
        return new ViewerHandler(real);
    }

    /** The viewer in {@code folder}, or empty, said at INFO, when it is not there (the node serves without it). */
    public static Optional<ViewerHandler> ifInstalled(Path folder) {
        try {
            ViewerHandler viewer = of(folder);
            LOG.info("Web viewer (OHIF) served at / from {}", viewer.folder);
            return Optional.of(viewer);
        } catch (IllegalArgumentException e) {
            LOG.info("No web viewer: {}; the node serves DICOMweb without it", e.getMessage());
            return Optional.empty();
        }
    }

    /** Where scripts/fetch-viewer puts the pinned version: {@code home/var/viewer/ohif-VERSION}. */
    public static Path defaultFolder(Path home) {
        return home.resolve("var").resolve("viewer").resolve("ohif-" + OHIF_VERSION);
    }

    /** The folder served (real path). */
    public Path folder() {
        return folder;
    }

    /** Why {@code path} is refused (a way out of the folder), or null. */
    static String unsafe(String path) {
        if (path == null || !path.startsWith("/")) {
            return "the path must start with /";
        }
        if (path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0) {
            return "backslashes and NUL are not allowed in a path: " + path.replace("\0", "\\0");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return "'.' and '..' are not allowed in a path (path traversal): " + path;
            }
        }
        return null;
    }

    static boolean belowOtherEndpoint(String path) {
        for (String prefix : NOT_VIEWER) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }
}

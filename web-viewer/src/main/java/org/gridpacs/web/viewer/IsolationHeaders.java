package org.gridpacs.web.viewer;

import org.eclipse.jetty.server.Response;

/**
 * The headers that make the viewer's pages cross-origin isolated ({@code crossOriginIsolated}, hence
 * SharedArrayBuffer for Cornerstone's volume viewports: fusion of RT Dose over CT, MPR): COOP same-origin and
 * COEP require-corp. They go on every file of the viewer and of our page, workers' scripts included (a dedicated
 * worker of an isolated page must be isolated too). Same-origin requests (DICOMweb on the same connector) need
 * nothing under COEP; CORP same-origin also keeps other sites from embedding these files.
 */
final class IsolationHeaders {
    private IsolationHeaders() {
    }

    static void put(Response response) {
        var h = response.getHeaders();
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Cross-Origin-Embedder-Policy", "require-corp");
        h.put("Cross-Origin-Resource-Policy", "same-origin");
        h.put("X-Content-Type-Options", "nosniff");
    }
}

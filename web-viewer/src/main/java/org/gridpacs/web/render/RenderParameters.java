package org.gridpacs.web.render;

/**
 * What to render of an instance and how.
 *
 * @param frame    the frame, 1-based
 * @param window   the VOI window asked for, or null: the instance's own, else the frame's range
 * @param viewport the viewport, or null: the frame at its size
 * @param quality  JPEG quality 1..100
 * @param format   the media type
 */
public record RenderParameters(int frame, Window window, Viewport viewport, int quality, ImageFormat format) {
}

package dev.wxacode.request;

/** Decimal RGB, each component 0..255, as WeChat's {@code line_color}. */
public record LineColor(int r, int g, int b) {

    public static final LineColor BLACK = new LineColor(0, 0, 0);
}

package org.millrace.trainer.backend;

/**
 * The shape of a 2-D convolution over channels-last images (rows x height x width x channels):
 * a {@code kh x kw} window moved by {@code stride}, with {@code padTop}/{@code padLeft} zero rows and
 * columns before the image, giving {@code outH x outW} positions.
 */
public record ConvGeometry(int height, int width, int channels, int kh, int kw, int stride, int padTop, int padLeft,
    int outH, int outW) {

  /** Geometry for {@code padding} "valid" (no padding) or "same" (output = ceil(input / stride)), as in Keras. */
  public static ConvGeometry of(int height, int width, int channels, int kh, int kw, int stride, boolean same) {
    if (height <= 0 || width <= 0 || channels <= 0 || kh <= 0 || kw <= 0 || stride <= 0) {
      throw new IllegalArgumentException(String.format("convolution expected positive sizes, got input %dx%dx%d,"
          + " kernel %dx%d, stride %d", height, width, channels, kh, kw, stride));
    }
    int outH;
    int outW;
    int padTop = 0;
    int padLeft = 0;
    if (same) {
      outH = (height + stride - 1) / stride;
      outW = (width + stride - 1) / stride;
      padTop = Math.max(0, (outH - 1) * stride + kh - height) / 2;
      padLeft = Math.max(0, (outW - 1) * stride + kw - width) / 2;
    } else {
      if (kh > height || kw > width) {
        throw new IllegalArgumentException(String.format("convolution with padding 'valid' expected a kernel no larger"
            + " than the input %dx%d, got %dx%d", height, width, kh, kw));
      }
      outH = (height - kh) / stride + 1;
      outW = (width - kw) / stride + 1;
    }
    return new ConvGeometry(height, width, channels, kh, kw, stride, padTop, padLeft, outH, outW);
  }

  /** Values per input image. */
  public int inSize() {
    return height * width * channels;
  }

  /** Length of one im2col row: the values under one window position. */
  public int patchSize() {
    return kh * kw * channels;
  }

  /** Window positions per image. */
  public int positions() {
    return outH * outW;
  }
}

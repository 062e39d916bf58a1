package org.millrace.pipelines.cli;

import java.math.BigDecimal;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Range-checked converters for the CLI's numeric options. A value outside its range is a usage
 * error (exit 2) that names the option and the accepted range; nothing is wrapped or clamped. The
 * text is parsed exactly (as a decimal), so {@code 4294967297} is never read as {@code 1}.
 *
 * <p>Use as {@code @Option(names = "--port", converter = Ranges.Port.class)}; picocli prefixes the
 * message with the option's name ("Invalid value for option '--port': ...").
 */
public final class Ranges {
  private Ranges() {}

  /** An integer in {@code [min, max]} read from {@code text}, or a conversion error naming the range. */
  public static long integer(String text, long min, long max) {
    if (text == null || !text.trim().matches("[+-]?[0-9][0-9_]*")) {
      throw new TypeConversionException("expected an integer in " + range(min, max) + ", got '" + text + "'");
    }
    BigDecimal v = decimal(text, "an integer in " + range(min, max));
    if (v.stripTrailingZeros().scale() > 0) {
      throw new TypeConversionException("expected an integer in " + range(min, max) + ", got '" + text + "'");
    }
    if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new TypeConversionException("expected an integer in " + range(min, max) + ", got " + text.trim());
    }
    return v.longValueExact();
  }

  /** A finite number in {@code (0, max]} read from {@code text}, or a conversion error naming the range. */
  public static double positive(String text, double max) {
    String expected = "a number > 0 and <= " + plain(max);
    BigDecimal v = decimal(text, expected);
    if (v.signum() <= 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new TypeConversionException("expected " + expected + ", got " + text.trim());
    }
    return v.doubleValue();
  }

  /** A finite number in {@code [0, max]} read from {@code text}, or a conversion error naming the range. */
  public static double nonNegative(String text, double max) {
    String expected = "a number >= 0 and <= " + plain(max);
    BigDecimal v = decimal(text, expected);
    if (v.signum() < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new TypeConversionException("expected " + expected + ", got " + text.trim());
    }
    return v.doubleValue();
  }

  static String range(long min, long max) {
    return "[" + min + ", " + max + "]";
  }

  private static String plain(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  private static BigDecimal decimal(String text, String expected) {
    try {
      return new BigDecimal(text.trim().replace("_", ""));
    } catch (NumberFormatException | NullPointerException e) {
      throw new TypeConversionException("expected " + expected + ", got '" + text + "'");
    }
  }

  /** A TCP port: 0 (any free port) to 65535. */
  public static final class Port implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return (int) integer(value, 0, 65_535);
    }
  }

  /** A registry version: 1 to 2^31-1 (the registry numbers versions with Java ints). */
  public static final class Version implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return integer(value, 1, Integer.MAX_VALUE);
    }
  }

  /** A count of at least one: 1 to 2^31-1. */
  public static final class PositiveCount implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return (int) integer(value, 1, Integer.MAX_VALUE);
    }
  }

  /** A count that may be zero: 0 to 2^31-1. */
  public static final class Count implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      return (int) integer(value, 0, Integer.MAX_VALUE);
    }
  }

  /** A size in bytes: 1 to 2^31-1 (a request body is held in one Java array). */
  public static final class Bytes implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return integer(value, 1, Integer.MAX_VALUE);
    }
  }

  /** Seconds to wait between polls: more than 0, at most a day. */
  public static final class PollSeconds implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return positive(value, 86_400);
    }
  }

  /** A timeout in minutes: more than 0, at most a year. */
  public static final class TimeoutMinutes implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return positive(value, 525_600);
    }
  }

  /** An age in days: 0 to 100 years. */
  public static final class AgeDays implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      return nonNegative(value, 36_500);
    }
  }
}

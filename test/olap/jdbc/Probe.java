import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Drives the official ClickHouse JDBC driver the way DBeaver does, for test/olap/thirdParty.test.ts.
 *
 *   java -cp '<driver jars>:<classes>' Probe <jdbc url> <user> <password> [<step>...]
 *
 * Each step is a SQL statement, or --meta (what DBeaver asks DatabaseMetaData when it connects).
 * Without steps on the command line they are read from stdin, one per line, as UTF-8: the JVM
 * decodes its arguments in the locale's charset, which mangles Chinese under LANG=C.
 * Every step prints a block the test parses:
 *
 *   ### <n> ok                       then the result as TSV: a header line, then one line per row
 *   ### <n> error <code> <message>   the SQLException's error code and first message line
 *
 * Values are escaped as in ClickHouse's TabSeparated (\t, \n, \\); NULL prints as \N.
 * Exit code: 0 when every step succeeded, 1 when a step failed, 2 when no connection was made.
 */
public final class Probe {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Probe <jdbc url> <user> <password> [<sql | --meta>...]  (steps from stdin, one per line, when none are given)");
      System.exit(64);
    }
    List<String> steps = new ArrayList<>(List.of(args).subList(3, args.length));
    if (steps.isEmpty()) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) if (!line.isBlank()) steps.add(line);
    }
    // The test reads stdout as UTF-8 whatever the JVM's default charset is.
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    Properties props = new Properties();
    props.setProperty("user", args[1]);
    props.setProperty("password", args[2]);
    Connection conn;
    try {
      conn = DriverManager.getConnection(args[0], props);
    } catch (SQLException e) {
      out.println("### connect error " + describe(e));
      System.exit(2);
      return;
    }
    boolean failed = false;
    try (conn) {
      for (int i = 0; i < steps.size(); i++) {
        int n = i + 1;
        String step = steps.get(i);
        try {
          List<String> lines = "--meta".equals(step) ? meta(conn) : query(conn, step);
          out.println("### " + n + " ok");
          for (String line : lines) out.println(line);
        } catch (SQLException e) {
          failed = true;
          out.println("### " + n + " error " + describe(e));
        }
      }
    }
    System.exit(failed ? 1 : 0);
  }

  private static List<String> query(Connection conn, String sql) throws SQLException {
    try (Statement st = conn.createStatement()) {
      if (!st.execute(sql)) return List.of("updated\t" + st.getUpdateCount());
      try (ResultSet rs = st.getResultSet()) {
        return table(rs);
      }
    }
  }

  /** The calls DBeaver makes on connect: product, current database, databases, tables of the current one. */
  private static List<String> meta(Connection conn) throws SQLException {
    DatabaseMetaData md = conn.getMetaData();
    List<String> lines = new ArrayList<>();
    lines.add("key\tvalue");
    lines.add("product\t" + escape(md.getDatabaseProductName()));
    lines.add("productVersion\t" + escape(md.getDatabaseProductVersion()));
    lines.add("driver\t" + escape(md.getDriverName() + " " + md.getDriverVersion()));
    lines.add("catalog\t" + escape(conn.getCatalog()));
    lines.add("schema\t" + escape(conn.getSchema()));
    try (ResultSet rs = md.getCatalogs()) {
      while (rs.next()) lines.add("catalogs\t" + escape(rs.getString("TABLE_CAT")));
    }
    try (ResultSet rs = md.getSchemas()) {
      while (rs.next()) lines.add("schemas\t" + escape(rs.getString("TABLE_SCHEM")));
    }
    // The driver's v2 implementation presents ClickHouse databases as schemas, the legacy v1 one
    // as catalogs: pass back what the connection says it is in, as DBeaver does.
    String catalog = conn.getCatalog();
    String schema = conn.getSchema();
    try (ResultSet rs = md.getTables(catalog, schema, "%", null)) {
      while (rs.next()) lines.add("tables\t" + escape(rs.getString("TABLE_NAME")) + " " + escape(rs.getString("TABLE_TYPE")));
    }
    try (ResultSet rs = md.getColumns(catalog, schema, "%", "%")) {
      while (rs.next()) lines.add("columns\t" + escape(rs.getString("TABLE_NAME") + "." + rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME")));
    }
    return lines;
  }

  private static List<String> table(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int cols = md.getColumnCount();
    List<String> lines = new ArrayList<>();
    StringBuilder header = new StringBuilder();
    for (int c = 1; c <= cols; c++) header.append(c > 1 ? "\t" : "").append(escape(md.getColumnLabel(c)));
    lines.add(header.toString());
    while (rs.next()) {
      StringBuilder row = new StringBuilder();
      for (int c = 1; c <= cols; c++) row.append(c > 1 ? "\t" : "").append(escape(rs.getString(c)));
      lines.add(row.toString());
    }
    return lines;
  }

  private static String describe(SQLException e) {
    String msg = String.valueOf(e.getMessage());
    int nl = msg.indexOf('\n');
    return e.getErrorCode() + " " + (nl < 0 ? msg : msg.substring(0, nl));
  }

  private static String escape(String v) {
    if (v == null) return "\\N";
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n");
  }
}

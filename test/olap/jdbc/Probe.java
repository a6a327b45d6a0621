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
 *   java -cp '<driver jars>:<classes>' Probe <jdbc url> <user> <password> <step>...
 *
 * Each step is a SQL statement, or --meta (what DBeaver asks DatabaseMetaData when it connects).
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
    if (args.length < 4) {
      System.err.println("usage: Probe <jdbc url> <user> <password> <sql | --meta>...");
      System.exit(64);
    }
    // The test reads stdout as UTF-8 whatever the JVM's default charset is.
    java.io.PrintStream out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, "UTF-8");
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
      for (int i = 3; i < args.length; i++) {
        int n = i - 2;
        try {
          List<String> lines = "--meta".equals(args[i]) ? meta(conn) : query(conn, args[i]);
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
    // The driver presents ClickHouse databases as schemas or as catalogs depending on its version:
    // ask for the current database both ways and print what comes back.
    String db = conn.getSchema() != null ? conn.getSchema() : conn.getCatalog();
    try (ResultSet rs = md.getTables(null, db, "%", null)) {
      while (rs.next()) lines.add("tables\t" + escape(rs.getString("TABLE_NAME")) + " " + escape(rs.getString("TABLE_TYPE")));
    }
    try (ResultSet rs = md.getColumns(null, db, "%", "%")) {
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

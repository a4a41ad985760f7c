/** A column: its heading, right-aligned when it holds numbers. */
export type Column = string | { label: string; numeric: true };

/** The header row of a data table: every heading a column header for screen readers. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          typeof column === 'string' ? (
            <th key={column} scope="col">
              {column}
            </th>
          ) : (
            <th key={column.label} scope="col" class="num">
              {column.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

// Name-value pairs of a run's or a plan's settings, as one definition list.
export function SettingsList({ rows, stacked = false, label }: { rows: [name: string, value: string][]; stacked?: boolean; label?: string }) {
  return (
    <dl className={stacked ? 'settings settings-stacked' : 'settings'} aria-label={label}>
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

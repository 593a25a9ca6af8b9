-- The families of one province (files written by keluarga.sql), in the register's sort order.
-- $files: that province's family files.
with final as (
    select * from read_parquet($files)
)

select * from final
order by kode_desa, nama_kepala_keluarga, id_keluarga
